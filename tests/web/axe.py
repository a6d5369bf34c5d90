"""axe-core in the browser tests: run it on the page a test has open and keep the critical and
serious violations (issue 16 asks for none of either).

axe-core is vendored from npm into tests/web/vendor/ by scripts/vendor_test_assets.sh (make test
runs it; this module runs it once if the file is missing). It is evaluated through the DevTools
protocol, which the pages' CSP (no inline scripts) does not apply to, so nothing about the page
changes for the test.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "web" / "vendor" / "axe.min.js"
BLOCKING = ("critical", "serious")

_RUN = """async (blocking) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => blocking.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — "
                                   + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))
  }));
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "vendor_test_assets.sh")], check=True)
    return AXE.read_text(encoding="utf-8")


def blocking_violations(page) -> list[str]:
    """The page's critical and serious axe violations, one line each (rule, impact, where)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate(_RUN, list(BLOCKING))
    return [f"{v['impact']} {v['id']} ({v['help']}): " + " | ".join(v["nodes"]) for v in found]
