"""Peak memory of a phase: the process's resident-set high-water mark.

On Linux the high-water mark (``VmHWM``) can be reset by writing ``5`` to
``/proc/self/clear_refs``, so each phase reports its own peak — of the whole process,
including what earlier phases left in memory (the population). Where that is not possible
the figure is ``resource.getrusage``'s ``ru_maxrss``: the peak since the process started.
"""

from __future__ import annotations

import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def reset_peak() -> bool:
    """Start a new high-water mark; False where the OS does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _status_mb(key: str) -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_mb() -> float:
    """Peak resident memory (MiB) since the last ``reset_peak`` (or since the start)."""
    value = _status_mb("VmHWM")
    if value is not None:
        return value
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    value = _status_mb("VmRSS")
    return value if value is not None else peak_mb()


def method() -> str:
    if reset_peak():
        return "process RSS high-water mark (VmHWM), reset before each phase via /proc/self/clear_refs"
    return "process RSS high-water mark since start (resource.getrusage ru_maxrss)"
