"""Charts rendered locally with matplotlib in the vendored Pretendard GOV font (no CDN, no
browser-side library): SVG for the pages, PNG for the PDF report.

Readable without colour: every series has its own hatch pattern and marker, every bar and point
carries its value as text, and each chart has a title; the page puts the same figures in a table
beside it (KWCAG 2.2 — 1.3.3 명확한 지시사항 제공, colour is never the only carrier).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT = Path(__file__).resolve().parent.parent / "web/static/vendor/fonts/PretendardGOV-Regular.otf"
HATCHES = ("///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
COLOURS = ("#256ef4", "#2b8a3e", "#b25e09", "#6b3fa0", "#c92a2a", "#0b7285", "#495057")


@lru_cache(maxsize=1)
def _pyplot():
    # lazy: matplotlib costs about a second to import; only the chart pages and reports draw
    import matplotlib

    matplotlib.use("Agg")
    # lazy: as above, and pyplot only after the backend is chosen
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_manager.fontManager.addfont(str(FONT))
    name = font_manager.FontProperties(fname=str(FONT)).get_name()
    plt.rcParams.update({
        "font.family": name, "axes.unicode_minus": False, "svg.fonttype": "path",
        "svg.hashsalt": "ilja", "font.size": 10, "hatch.linewidth": 0.8,
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def _finish(fig, fmt: str, title: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": title} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150, metadata=metadata)
    _pyplot().close(fig)
    return buffer.getvalue()


def value_label(value: float | None, unit: str) -> str:
    """A value as a chart writes it: ``75.4%``, ``1,234``; none as a dash."""
    if value is None:
        return "—"
    text = f"{value:,.1f}" if unit == "%" else f"{value:,.0f}"
    return f"{text}{unit}"


def hbar(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "",
         fmt: str = "svg", reference: float | None = None, reference_label: str | None = None) -> bytes:
    """Horizontal bars, one group per label and one patterned bar per series, values written.
    ``fmt="none"`` draws nothing (the XLSX report needs only the tables)."""
    if fmt == "none":
        return b""
    plt = _pyplot()
    height = max(2.2, 0.42 * len(labels) * max(1, len(series)) + 1.2)
    fig, ax = plt.subplots(figsize=(7.2, height))
    n = max(1, len(series))
    width = 0.8 / n
    for i, s in enumerate(series):
        ys = [k + (i - (n - 1) / 2) * width for k in range(len(labels))]
        xs = [v or 0 for v in s.values]
        bars = ax.barh(ys, xs, height=width * 0.92, label=s.label, color=COLOURS[i % len(COLOURS)],
                       alpha=0.85, hatch=HATCHES[i % len(HATCHES)], edgecolor="#1d1d1d", linewidth=0.6)
        for bar, value in zip(bars, s.values, strict=True):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + value_label(value, unit),
                    va="center", ha="left", fontsize=9)
    if reference is not None:
        ax.axvline(reference, color="#1d1d1d", linestyle="--", linewidth=1)
        ax.text(reference, -0.75, f" {reference_label or ''}", fontsize=9, va="bottom")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=12)
    ax.margins(x=0.18)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False)
    return _finish(fig, fmt, title)


def lines(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "",
          fmt: str = "svg") -> bytes:
    """A trend: one line per series with its own marker and dash, values written at each point."""
    if fmt == "none":
        return b""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    dashes = ("-", "--", ":", "-.")
    for i, s in enumerate(series):
        xs = [k for k, v in enumerate(s.values) if v is not None]
        ys = [v for v in s.values if v is not None]
        ax.plot(xs, ys, marker=MARKERS[i % len(MARKERS)], linestyle=dashes[i % len(dashes)],
                color=COLOURS[i % len(COLOURS)], label=s.label)
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(value_label(y, unit), (x, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=8)
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0)
    ax.set_title(title, loc="left", fontsize=12)
    ax.margins(y=0.2)
    if series:
        ax.legend(loc="best", frameon=False)
    return _finish(fig, fmt, title)
