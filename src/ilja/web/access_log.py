"""Access log lines without personal data (issue 17 §4). uvicorn logs each request's path and
query string; a search (``?q=`` a name or phone), a form sent by GET or a mistyped address can
carry a name, phone or RRN. The line keeps the method, the path and the status: the query is
dropped and a path segment that holds non-ASCII text or a long number is replaced by "…"."""

from __future__ import annotations

import logging
import re

_HIDDEN = "…"
_NON_ASCII = re.compile(r"%[89a-fA-F][0-9a-fA-F]|[^\x00-\x7f]")  # uvicorn quotes the path's bytes
_LONG_NUMBER = 7  # digits in one segment: a phone or an RRN, never an id in practice


def clean_path(full_path: str) -> str:
    path, query = (full_path.split("?", 1) + [""])[:2]
    segments = [_HIDDEN if _NON_ASCII.search(s) or sum(c.isdigit() for c in s) >= _LONG_NUMBER else s
                for s in path.split("/")]
    return "/".join(segments) + (f"?{_HIDDEN}" if query else "")


class AccessLogFilter(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path, version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, clean_path(str(path)), version, status)
        return True


def install() -> None:
    """Once per process: uvicorn has configured its loggers by the time it builds the app."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogFilter) for f in logger.filters):
        logger.addFilter(AccessLogFilter())
