"""Page weight and speed (issue 16): what the main pages cost a visitor on a slow mobile line,
and how long the server takes to make them, on a small demo database in a temporary folder.

For each page, Debian's Chromium (Playwright, ``executable_path``; never a downloaded browser),
throttled through CDP ``Network.emulateNetworkConditions`` to slow 3G (400 ms latency,
400 kbit/s down, 400 kbit/s up), loads the page in a fresh profile (first visit: bytes on the
wire, time until the load event and the fonts are ready), then opens it again from the same
profile (second visit: what the cache did not spare). Server time is the median over a few
unthrottled requests with an HTTP client. /outcomes is asked for as a logged-in manager.

Goals: a first visit of at most 400 KB; every page's server time at most 200 ms.

    .venv/bin/python -m bench pages [--pages / /plan] [--repeat 5] [--quick]

``--quick`` measures three pages (the home page on slow 3G, /login and /outcomes unthrottled:
every code path, logged-in included) and times each once: about half a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import options

CHROMIUM = os.environ.get("ILJA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = ["/", "/self-check", "/programs/companion_jobs", "/plan", "/parameters", "/login", "/outcomes"]
MANAGER_ONLY = {"/outcomes"}
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}
GOAL_FIRST_VISIT_BYTES = 400_000
GOAL_SERVER_MS = 200.0


@dataclass
class Visit:
    bytes: int
    seconds: float


@dataclass
class Row:
    page: str
    first: Visit
    second: Visit
    throttled: bool
    server_ms: float
    first_ms: float  # the first request: templates compiled and caches filled on the way

    def misses(self) -> list[str]:
        missed = []
        if self.first.bytes > GOAL_FIRST_VISIT_BYTES:
            missed.append(f"{self.page}: first visit {self.first.bytes / 1000:,.0f} KB > 400 KB")
        if self.server_ms > GOAL_SERVER_MS:
            missed.append(f"{self.page}: server time {self.server_ms:.0f} ms > 200 ms")
        return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench pages")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--repeat", type=int, default=7, help="server timings per page (median)")
    parser.add_argument("--throttle", nargs="*", default=None,
                        help="pages loaded on slow 3G (default: all; with --quick: /)")
    args = options.parse(parser, argv, pages=["/", "/login", "/outcomes"], repeat=1, throttle=["/"])
    throttled = set(args.pages if args.throttle is None else args.throttle)
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is missing (apt-get install -y chromium)")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="ilja-bench-pages-"))
    try:
        with demo_site(folder) as (url, cookie):
            server_ms = {page: server_time(url, page, cookie if page in MANAGER_ONLY else None, args.repeat)
                         for page in args.pages}  # (median, first)
            visits = browse(url, args.pages, cookie, throttled)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = [Row(page, *visits[page], page in throttled, *server_ms[page]) for page in args.pages]
    print_table(rows)
    missed = [miss for row in rows for miss in row.misses()]
    for miss in missed:
        print(f"MISSES THE GOAL  {miss}")
    return 0


@contextlib.contextmanager
def demo_site(folder: Path) -> Iterator[tuple[str, str]]:
    """A served app on a fresh SQLite database with the plan, a small synthetic population,
    the dashboard's demo outcomes and a manager's session; the URL and that session's cookie."""
    from ilja.accounts import service
    from ilja.accounts.deps import SESSION_COOKIE
    from ilja.db import engine_for, transaction
    from ilja.ops.site import open_site, served
    from ilja.outcomes.demo_data import fill_demo_outcomes
    from ilja.programs.loader import load_plan
    from ilja.programs.service import store_plan

    url = f"sqlite:///{folder / 'ilja.db'}"
    with open_site(url, folder) as site:
        with transaction(engine_for(url)) as session:
            store_plan(session, load_plan())
            fill_demo_outcomes(session, seed=2025, scale=0.02)
            manager = service.get_user_by_login(session, "r-program_manager")
            token = service.start_session(session, manager, "127.0.0.1").token
        with served(site.app, lifespan="auto", name="bench-pages") as base:
            yield base, f"{SESSION_COOKIE}={token}"


def server_time(url: str, page: str, cookie: str | None, repeat: int) -> tuple[float, float]:
    """Median milliseconds from request to the whole response, on loopback, after one warm-up;
    and the warm-up's own time (what the first visitor after a start or a data change waits)."""
    import httpx

    headers = {"Cookie": cookie} if cookie else {}
    timings = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for _ in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(page)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{page}: HTTP {response.status_code}")
            timings.append(elapsed)
    return statistics.median(timings[1:] or timings), timings[0]


def browse(url: str, pages: list[str], cookie: str, throttled: set[str]) -> dict[str, tuple[Visit, Visit]]:
    from playwright.sync_api import sync_playwright

    name, value = cookie.split("=", 1)
    found = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page in pages:
                context = chromium.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
                if page in MANAGER_ONLY:
                    context.add_cookies([{"name": name, "value": value, "url": url}])
                try:
                    tab = context.new_page()
                    cdp = context.new_cdp_session(tab)
                    cdp.send("Network.enable")
                    if page in throttled:
                        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                    found[page] = (visit(tab, cdp, url + page), visit(tab, cdp, url + page))
                finally:
                    context.close()
        finally:
            chromium.close()
    return found


def visit(tab, cdp, address: str) -> Visit:
    """Bytes on the wire (headers included) until the network is idle, and seconds until the
    load event with the fonts ready. A navigation, not a reload: a reload revalidates all."""
    received: list[int] = []

    def finished(event: dict) -> None:
        received.append(int(event.get("encodedDataLength", 0)))

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    response = tab.goto(address, wait_until="load", timeout=120_000)
    if response is None or response.status != 200:
        raise RuntimeError(f"{address}: {response.status if response else 'no response'}")
    tab.evaluate("document.fonts.ready.then(() => true)")
    seconds = time.perf_counter() - started
    tab.wait_for_load_state("networkidle", timeout=120_000)
    cdp.remove_listener("Network.loadingFinished", finished)
    return Visit(sum(received), seconds)


def print_table(rows: list[Row]) -> None:
    print(f"{'page':<26} {'1st visit':>10} {'2nd visit':>10} {'load (1st)':>16} {'server':>9} {'first':>9}")
    for row in rows:
        load = f"{row.first.seconds:.1f} s" + (" slow 3G" if row.throttled else " local")
        print(f"{row.page:<26} {row.first.bytes / 1000:>7,.0f} KB {row.second.bytes / 1000:>7,.1f} KB "
              f"{load:>16} {row.server_ms:>6.0f} ms {row.first_ms:>6.0f} ms")
