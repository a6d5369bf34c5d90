"""Travel time between Seoul's 25 자치구 (issue 23 §4), from ``data/commute.yaml``.

The table is data with its assumption named in the file (구청 distances at a door-to-door public
transport speed); replacing it with measured times changes no code.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
import yaml


@cache
def table() -> tuple[dict[str, int], np.ndarray, str]:
    """District → index, the minutes matrix, and the table's source."""
    text = resources.files("ilja.matching").joinpath("data/commute.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    index = {name: i for i, name in enumerate(data["districts"])}
    minutes = np.array(data["minutes"], dtype=np.int32)
    if minutes.shape != (len(index), len(index)) or (minutes <= 0).any():
        raise ValueError("commute.yaml: minutes must be a full positive square over districts")
    return index, minutes, str(data["source"])


def minutes_between(origin: str | None, destination: str | None) -> int | None:
    """Minutes from one district to another; None if either is unknown."""
    index, minutes, _ = table()
    if origin not in index or destination not in index:
        return None
    return int(minutes[index[origin], index[destination]])


def travel_minutes(origins: Sequence[str | None], destinations: Sequence[str | None]
                   ) -> np.ndarray:
    """Origins × destinations minutes (int32); -1 where either district is unknown."""
    index, minutes, _ = table()
    o = np.array([index.get(d or "", -1) for d in origins], dtype=np.int64)
    d = np.array([index.get(x or "", -1) for x in destinations], dtype=np.int64)
    out = np.full((len(o), len(d)), -1, dtype=np.int32)
    rows, cols = o >= 0, d >= 0
    if rows.any() and cols.any():
        out[np.ix_(rows, cols)] = minutes[np.ix_(o[rows], d[cols])]
    return out
