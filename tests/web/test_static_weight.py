"""Page weight (issue 16): the home page's fonts are unicode-range woff2 slices, static files have
fingerprinted addresses cached for a year, text goes compressed, and what a first visit to the
home page downloads stays within the budget, computed from what the server sends."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin

import pytest

from ilja.accounts import csrf
from ilja.web.static_assets import IMMUTABLE, REVALIDATE

BUDGET = 400_000  # bytes: the goal for a first visit on a slow mobile line
LARGEST_FONT = 100_000  # a slice; the whole-font woff2 files weigh 2 MB
GZIP = {"Accept-Encoding": "gzip"}
_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")
_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def head_assets(html: str) -> list[str]:
    head = html.split("</head>", 1)[0]
    return re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"', head)


def stylesheets(client, html: str) -> dict[str, str]:
    return {url: client.get(url).text for url in head_assets(html) if ".css" in url}


def font_faces(client, html: str) -> list[tuple[str, str]]:
    """(the font's absolute address, the rule's text) for every @font-face the head's CSS has."""
    return [(urljoin(url, src), rule) for url, css in stylesheets(client, html).items()
            for rule in _FONT_FACE.findall(css) for src in _URL.findall(rule)]


def in_range(unicode_range: str, characters: set[str]) -> bool:
    for part in unicode_range.split(","):
        low, _, high = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
        first, last = int(low, 16), int(high or low, 16)
        if any(first <= ord(c) <= last for c in characters):
            return True
    return False


def sent_bytes(client, url: str) -> int:
    """What goes over the wire for ``url`` to a browser that takes gzip (body only)."""
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200, url
    return int(response.headers["content-length"])


def test_fonts_are_woff2_slices_by_unicode_range(client):
    faces = font_faces(client, client.get("/").text)
    assert len(faces) >= 2 * 50, "Pretendard GOV's dynamic subset: some 120 slices per weight"
    assert {re.search(r"font-weight:\s*(\d+)", rule)[1] for _, rule in faces} == {"400", "700"}
    for url, rule in faces:
        assert url.split("?")[0].endswith(".woff2") and "unicode-range" in rule, url
    for url, _ in faces[::20]:
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == "font/woff2"
        assert len(response.content) < LARGEST_FONT, url


def test_every_url_in_the_stylesheets_resolves_here(client):
    for url, css in stylesheets(client, client.get("/").text).items():
        for reference in {r for r in _URL.findall(css) if not r.startswith("data:")}:
            target = urljoin(url, reference)
            assert target.startswith("/static/") and "?v=" in target, (url, reference)
            assert client.head(target).status_code == 200, target


def test_fingerprinted_addresses_are_cached_for_a_year(client):
    assets = head_assets(client.get("/").text)
    assert len(assets) >= 5
    for url in assets:
        assert "?v=" in url, url
        response = client.get(url)
        assert response.headers["cache-control"] == IMMUTABLE, url
    css = next(url for url in assets if url.startswith("/static/css/ilja.css"))
    for unversioned in (css.split("?")[0], css.split("?")[0] + "?v=0123456789abcdef"):
        response = client.get(unversioned)
        assert response.status_code == 200 and response.headers["cache-control"] == REVALIDATE
        again = client.get(unversioned, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304 and again.headers["cache-control"] == REVALIDATE
    assert client.get("/static/nothing-here.css").headers["cache-control"] == REVALIDATE


@pytest.mark.parametrize("path", ["/static/css/ilja.css", "/static/vendor/krds/css/component/krds.css",
                                  "/static/vendor/htmx/htmx.min.js", "/api/v1/openapi.json"])
def test_text_is_compressed_for_clients_that_take_gzip(client, path):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get(path, headers=GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.content == plain.content  # httpx decodes; same text either way


def test_pages_are_compressed_with_their_csrf_token_masked_afresh(client):
    """Pages go gzipped; the CSRF token beside reflected input differs in every response
    (masked with a new pad), so a compression side channel (BREACH) has nothing fixed to read."""
    pages = [client.get("/login?next=/plan", headers=GZIP) for _ in range(2)]
    assert all(p.headers["content-encoding"] == "gzip" for p in pages)
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', p.text)[1] for p in pages]
    assert tokens[0] != tokens[1]
    cookie = client.cookies.get("ilja_csrf")
    assert all(csrf.matches(t, cookie) for t in tokens)
    assert not csrf.matches(tokens[0][:-2] + "AA", cookie) and not csrf.matches("", cookie)


def test_home_page_first_visit_fits_the_budget(client):
    """The page, its CSS and JS as sent gzipped, and for each weight the font slices whose
    unicode-range covers a character of the page (more than a browser takes: it fetches a bold
    slice only for bold text)."""
    html = client.get("/").text
    characters = set(html)
    total = len(html.encode("utf-8"))
    total += sum(sent_bytes(client, url) for url in head_assets(html) if ".css" in url or ".js" in url)
    fonts = {url for url, rule in font_faces(client, html)
             if in_range(re.search(r"unicode-range:([^;]*)", rule)[1], characters)}
    assert fonts, "the page's Korean text needs some slices"
    total += sum(len(client.get(url).content) for url in fonts)
    assert total < BUDGET, f"home page first visit: {total:,} bytes > {BUDGET:,}"


def test_gzipped_static_files_are_gzip():
    """Sanity check of the in-memory compression: a real gzip stream of the same bytes."""
    from ilja.web.static_assets import manifest

    asset = manifest().assets["css/ilja.css"]
    assert asset.text is not None and gzip.decompress(asset.compressed()) == asset.text




def _selectors(css: str) -> set[str]:
    """Every complex selector of every rule, whitespace collapsed (at-rules' own preludes left out;
    a comma inside ``:not(…)`` does not split)."""
    found = set()
    for prelude, brace in re.findall(r"([^{}]*)([{}])", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if brace == "{" and not prelude.strip().startswith("@"):
            found |= {" ".join(part.split()) for part in re.split(r",(?![^()]*\))", prelude) if part.strip()}
    return found


def test_the_cut_krds_stylesheet_keeps_every_rule_the_templates_can_match():
    """krds.css is KRDS cut to what the templates and scripts use (scripts/vendor_assets.sh,
    PurgeCSS, which keeps a selector when its classes, ids and attribute values all occur as words
    in them), made again when a template changes. A KRDS selector that passes that test yet is
    missing from the served file means the cut is stale and a page would lose its styling."""
    from pathlib import Path

    import ilja

    source = Path(ilja.__file__).parent
    css = source / "web/static/vendor/krds/css/component"
    words: set[str] = set()
    for path in [*source.rglob("*.html"), *(source / "web/static/js").glob("*.js")]:
        if "vendor" not in path.parts:
            words |= set(re.findall(r"[\w-]+", path.read_text(encoding="utf-8")))

    def names(selector: str) -> set[str]:
        return {*re.findall(r"[.#](-?[_a-zA-Z][\w-]*)", selector), *re.findall(r"\[([\w-]+)", selector),
                *re.findall(r"=[\"']?([\w-]+)", selector)}

    served = _selectors((css / "krds.css").read_text(encoding="utf-8"))
    usable = {selector for selector in _selectors((css / "krds.full.css").read_text(encoding="utf-8"))
              if (found := names(selector)) and found <= words}
    assert len(usable) > 100  # the templates do use KRDS
    assert sorted(usable - served) == []
