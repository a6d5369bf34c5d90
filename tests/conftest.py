"""Shared fixtures.

Database tests take the ``database_url`` fixture, which runs each test on SQLite and on
PostgreSQL (a fresh database per test session and worker, with the real migrations). Where
PostgreSQL is unreachable its cases are skipped, except in CI (ILJA_TEST_REQUIRE_POSTGRES=1),
where that is a failure.

A test stops what it starts: every test fails at teardown if it leaves a thread, a child
process or a PostgreSQL database of this worker behind (``_no_leaks``). What a session- or
module-scoped fixture starts belongs to that fixture, and so does every thread that one of its
threads starts later (a live server's worker pool), until the fixture is torn down.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ilja import access

POSTGRES_ADMIN_URL = os.environ.get(
    "ILJA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Every PostgreSQL database a test makes carries its run's and worker's names, so a worker can
# tell its own from another run's on the same server.
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
DATABASE_PREFIXES = (f"ilja_test_{RUN}_{WORKER}_", f"ilja_bench_{RUN}_{WORKER}_")
LEAK_GRACE_SECONDS = 10.0


def _postgres_available() -> bool:
    import psycopg

    try:
        url = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> str:
    if not _postgres_available():
        if os.environ.get("ILJA_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (CI) but not reachable on 127.0.0.1:5432")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    return POSTGRES_ADMIN_URL


def create_postgres_database(admin_url: str, template: str | None = None) -> tuple[str, str]:
    import psycopg

    global _postgres_used
    _postgres_used = True
    name = f"{DATABASE_PREFIXES[0]}{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        clause = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{clause}')
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file with every migration applied; each test gets a copy (fast)."""
    from ilja.db import dispose_engines, upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture(scope="session")
def migrated_postgres(request) -> Iterator[str]:
    """One PostgreSQL database with every migration applied, cloned per test (CREATE DATABASE …
    TEMPLATE), so the migrations run once per test process instead of once per test."""
    from ilja.db import dispose_engines, upgrade

    admin = request.getfixturevalue("postgres_server")
    url, name = create_postgres_database(admin)
    try:
        upgrade(url)
        dispose_engines()
        yield name
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty, migrated database: once on SQLite, once on PostgreSQL."""
    from ilja.db import dispose_engines

    if request.param == "sqlite":
        path = tmp_path / "ilja.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        dispose_engines()
        return
    admin = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("migrated_postgres")
    url, name = create_postgres_database(admin, template=template)
    try:
        yield url
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)



@contextlib.contextmanager
def configured(url: str, folder: Path, keys: bool = False, environment: str | None = None) -> Iterator[str]:
    """The app's settings read afresh for the database ``url`` and the data folder ``folder`` (with
    ``keys``, the data-key file ``folder/keys/data-keys.json`` too; ``environment``, ILJA_ENVIRONMENT)
    while this lasts; afterwards the variables are as they were, and the settings, the keyring and
    the engines are dropped."""
    from ilja.config import get_settings
    from ilja.db import dispose_engines
    from ilja.people.keys import reset_keyring

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ILJA_DATABASE_URL", url)
        patch.setenv("ILJA_DATA_DIR", str(folder))
        if keys:
            patch.setenv("ILJA_DATA_KEY_FILE", str(folder / "keys" / "data-keys.json"))
        if environment:
            patch.setenv("ILJA_ENVIRONMENT", environment)
        get_settings.cache_clear()
        reset_keyring()
        try:
            yield url
        finally:
            dispose_engines()
            get_settings.cache_clear()
            reset_keyring()


def migrated_copy(migrated_sqlite: Path, folder: Path) -> str:
    """A fresh SQLite database in ``folder`` with every migration applied (a copy of the template)."""
    shutil.copyfile(migrated_sqlite, folder / "ilja.db")
    return f"sqlite:///{folder / 'ilja.db'}"


@contextlib.contextmanager
def app_database(folder: Path) -> Iterator[str]:
    """A migrated SQLite database in ``folder`` that the app's settings point at (its data folder
    too, in the test environment) until the block ends; its URL. A module's site fixture builds
    its world and serves the app inside the block."""
    from ilja.db import upgrade

    with configured(f"sqlite:///{folder / 'ilja.db'}", folder, environment="test") as url:
        upgrade(url)
        yield url


@pytest.fixture
def app_sqlite(migrated_sqlite, tmp_path) -> Iterator[str]:
    """A fresh migrated SQLite database that the app is configured to, the test's folder its data
    folder (``configured``)."""
    with configured(migrated_copy(migrated_sqlite, tmp_path), tmp_path) as url:
        yield url


# --- Servers and the browser ---------------------------------------------------------------

CHROMIUM = os.environ.get("ILJA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def served(app) -> contextlib.AbstractContextManager[str]:
    """``app`` served by uvicorn in a thread on a free port (no lifespan, as the tests set up)."""
    from ilja.ops.site import served as serve_in_thread

    return serve_in_thread(app, name="test-server")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per module: sync
    Playwright runs an event loop in the main thread while it lives, which refuses a second
    Playwright and every later ``asyncio.run`` in the process until it stops."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., tuple[Any, list[str]]]]:
    """``open_page(base_url, width=1280, height=900, **options)``: a page in a fresh Korean
    browser context of that viewport (``options`` go to the context), and the list its uncaught
    script errors go to. The contexts a test opens are closed when it ends."""
    contexts: list[Any] = []

    def open_(base_url: str, width: int = 1280, height: int = 900, **options: Any) -> tuple[Any, list[str]]:
        context = browser.new_context(base_url=base_url, locale="ko-KR",
                                      viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page, errors

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def schemathesis_asgi() -> Iterator[None]:
    """Schemathesis calls an ASGI app through one event-loop thread per process, which it would
    stop only at exit: start it here, so it belongs to the module, and stop it afterwards."""
    from schemathesis.python import asgi

    asgi._get_portal()
    yield
    asgi._shutdown()


# --- Leaks ---------------------------------------------------------------------------------

_thread_start = threading.Thread.start


def _start_noting_parent(self: threading.Thread) -> None:
    self._ilja_parent = threading.current_thread()  # type: ignore[attr-defined]
    _thread_start(self)


threading.Thread.start = _start_noting_parent  # type: ignore[method-assign]

_postgres_used = False
# What each session- or module-scoped fixture started, to be gone once it is torn down.
_owned_by: dict[object, tuple[set[threading.Thread], set[int], set[str]]] = {}
_owned_threads: set[threading.Thread] = set()
_owned_pids: set[int] = set()
_owned_databases: set[str] = set()


def _owned(thread: threading.Thread | None) -> bool:
    """Started by a longer-lived fixture, or by a thread that one started."""
    while thread is not None and thread is not threading.main_thread():
        if thread in _owned_threads:
            return True
        thread = getattr(thread, "_ilja_parent", None)
    return False


def _children() -> set[int]:
    import psutil

    pids = set()
    for child in psutil.Process().children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


_admin_connection = None


def _worker_databases() -> set[str]:
    """This worker's PostgreSQL databases (one kept admin connection: this runs twice a test)."""
    global _admin_connection
    if not _postgres_used:
        return set()
    import psycopg

    query = ("SELECT datname FROM pg_database WHERE starts_with(datname, %s)"
             " OR starts_with(datname, %s)")
    for _ in range(2):
        try:
            if _admin_connection is None or _admin_connection.closed:
                _admin_connection = psycopg.connect(
                    POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"),
                    autocommit=True, connect_timeout=3)
            return {name for (name,) in _admin_connection.execute(query, DATABASE_PREFIXES)}
        except psycopg.OperationalError:  # the server restarted: connect again, once
            _admin_connection = None
    return set()


class _FixtureOwnership:
    """Hooks on every fixture, the session's included (a conftest's own hooks only see the
    fixtures of its folder's nodes, so this is registered as a plugin)."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        """What a longer-lived fixture starts is that fixture's to stop, not the current test's."""
        if fixturedef.scope == "function":
            yield
            return
        threads, pids, databases = set(threading.enumerate()), _children(), _worker_databases()
        yield
        owned = (set(threading.enumerate()) - threads, _children() - pids,
                 _worker_databases() - databases)
        _owned_by[fixturedef] = owned
        _owned_threads.update(owned[0])
        _owned_pids.update(owned[1])
        _owned_databases.update(owned[2])

    def pytest_fixture_post_finalizer(self, fixturedef, request):
        """A longer-lived fixture, once torn down, has stopped what it started."""
        owned = _owned_by.pop(fixturedef, None)
        if owned is None:
            return
        threads, pids, databases = owned
        leaks = _leaks(threads, pids, databases)
        _owned_threads.difference_update(threads)
        _owned_pids.difference_update(pids)
        _owned_databases.difference_update(databases)
        if leaks:
            pytest.fail(f"fixture {fixturedef.argname} left behind: " + "; ".join(leaks),
                        pytrace=False)


def pytest_configure(config) -> None:
    access.load()  # the access rules, as every entry point loads them
    config.pluginmanager.register(_FixtureOwnership(), "ilja-fixture-ownership")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _recut_stylesheet()


def _recut_stylesheet() -> None:
    """KRDS's stylesheet is cut to the selectors the templates use; after a template changed, cut
    it again before pages are tested (a no-op, 15 ms, when nothing changed; needs the assets
    vendored, which `make test` does first)."""
    import subprocess

    script = Path(__file__).parent.parent / "scripts" / "vendor_assets.sh"
    if script.exists() and (script.parent.parent / "src/ilja/web/static/vendor/.versions").exists():
        subprocess.run(["bash", str(script)], check=True, cwd=script.parent.parent)


def _leaks(threads: set[threading.Thread], pids: set[int], databases: set[str]) -> list[str]:
    """What of these is still there after a grace period for it to end."""
    import psutil

    deadline = time.monotonic() + LEAK_GRACE_SECONDS
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    found = [f"thread {t.name!r}" for t in threads if t.is_alive()]
    processes = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):  # it ended meanwhile
            processes.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(processes, timeout=max(0.0, deadline - time.monotonic()))
    found += [f"child process {p.pid}" for p in alive]
    found += [f"PostgreSQL database {name}" for name in sorted(databases & _worker_databases())]
    return found


@pytest.fixture(autouse=True)
def _no_leaks() -> Iterator[None]:
    """Fail the test that leaves a thread, child process or database of its own behind."""
    threads, pids, databases = set(threading.enumerate()), _children(), _worker_databases()
    yield
    started = {t for t in threading.enumerate() if t not in threads and not _owned(t)}
    leaks = _leaks(started, _children() - pids - _owned_pids,
                   _worker_databases() - databases - _owned_databases)
    if leaks:
        pytest.fail("left behind by this test: " + "; ".join(leaks), pytrace=False)
