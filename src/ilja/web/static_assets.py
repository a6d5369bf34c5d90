"""Static files with fingerprinted addresses, cached for a year and sent compressed (issue 16:
a first visit had downloaded 4.9 MB, uncompressed and revalidated every time).

``static_url("css/ilja.css")`` is ``/static/css/ilja.css?v=<hash of its content>``; a response to
the address with the current hash carries ``Cache-Control: public, max-age=31536000, immutable``,
so a browser keeps it without asking again, and new content gets a new address. Any other
address (no ``v``, or a stale one) is still served, with ``no-cache``: revalidated by ETag.

The hashes are computed once per process, on first use (the app's start-up). A stylesheet's
relative ``url()``s and ``@import``s are rewritten to fingerprinted addresses too, so the fonts
and icons it names are cached for a year as well; its hash is that of the rewritten text, so it
changes when one of theirs does.

Text files (CSS, JavaScript, SVG, JSON) are gzipped once, kept in memory, and sent compressed to
a client that accepts gzip: no per-request compression of KRDS's 600 KB stylesheet.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TEXT_SUFFIXES = {".css", ".js", ".svg", ".json", ".txt"}
# url(x), url("x"), url('x') and @import "x": x relative, without a scheme, query or fragment.
_REFERENCE = re.compile(r"""(url\(\s*["']?|@import\s+["'])([\w./-]+)(?=["')])""")


@dataclass
class Asset:
    path: Path
    digest: str
    text: bytes | None = None  # served from memory (stylesheets rewritten); None: from disk
    gzipped: bytes | None = field(default=None, repr=False)

    def compressed(self) -> bytes:
        if self.gzipped is None:
            assert self.text is not None
            self.gzipped = gzip.compress(self.text, compresslevel=9, mtime=0)
        return self.gzipped


class Manifest:
    """Every file under ``root`` by its path relative to it, with its content hash."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.assets: dict[str, Asset] = {}
        files = sorted(p for p in self.root.rglob("*") if p.is_file() and not p.name.startswith("."))
        for path in files:
            self._add(path)

    def _add(self, path: Path) -> Asset:
        name = path.relative_to(self.root).as_posix()
        if name in self.assets:
            return self.assets[name]
        if path.suffix == ".css":
            text = _REFERENCE.sub(lambda m: m[1] + self._fingerprinted(path, m[2]), path.read_text("utf-8"))
            data = text.encode("utf-8")
        else:
            with path.open("rb") as handle:
                data = handle.read()
        digest = hashlib.sha256(data).hexdigest()[:16]
        asset = Asset(path, digest, data if path.suffix in TEXT_SUFFIXES else None)
        self.assets[name] = asset
        return asset

    def _fingerprinted(self, stylesheet: Path, reference: str) -> str:
        """``reference`` with the hash of the file it names; unchanged if it names none here."""
        target = Path(os.path.normpath(stylesheet.parent / reference))
        if not target.is_relative_to(self.root) or not target.is_file():
            return reference
        return f"{reference}?v={self._add(target).digest}"

    def url(self, name: str) -> str:
        asset = self.assets.get(name)
        if asset is None:
            raise LookupError(f"static/{name} is missing (scripts/vendor_assets.sh vendors KRDS and the fonts)")
        return f"{PREFIX}{name}?v={asset.digest}"


@cache
def manifest() -> Manifest:
    return Manifest(STATIC_DIR)


def static_url(name: str) -> str:
    """The fingerprinted address of ``static/<name>`` (a Jinja global)."""
    return manifest().url(name)


class FingerprintedStatic(StaticFiles):
    """StaticFiles that serves what the manifest knows with hash ETags, the cache lifetime its
    address earns, and gzip when the client takes it; anything else as StaticFiles does."""

    def __init__(self, assets: Manifest) -> None:
        super().__init__(directory=assets.root, check_dir=False)
        self.manifest = assets

    def file_response(self, full_path, stat_result, scope: Scope, status_code: int = 200) -> Response:
        name = Path(full_path).relative_to(self.manifest.root).as_posix()
        asset = self.manifest.assets.get(name)
        if asset is None:  # added after start-up
            return super().file_response(full_path, stat_result, scope, status_code)
        request = Headers(scope=scope)
        version = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        headers = {"etag": f'"{asset.digest}"',
                   "cache-control": IMMUTABLE if version == asset.digest else REVALIDATE}
        if asset.text is None:
            response: Response = FileResponse(full_path, status_code=status_code, headers=headers,
                                              stat_result=stat_result)
        else:
            headers["vary"] = "Accept-Encoding"
            body = asset.text
            if "gzip" in request.get("accept-encoding", ""):
                body = asset.compressed()
                headers["content-encoding"] = "gzip"
            response = Response(body, status_code, headers,
                                media_type=mimetypes.guess_type(name)[0] or "text/plain")
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response
