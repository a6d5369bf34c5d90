"""``ilja worker``: the message worker (``ilja.messages.worker``), until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading

import typer

from ilja.config import get_settings
from ilja.db import get_engine


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        once: bool = typer.Option(False, "--once", help="Deliver what is due now, then exit."),
    ) -> None:
        """Deliver messages (inbox, e-mail, SMS, 알림톡) from the outbox, with retries, and run the
        periodic duties (prior notices taking effect, lapsed offers) when idle."""
        # lazy: CLI start-up (the domain stack loads when a command runs)
        from ilja.messages.worker import Worker
        from ilja.ops.duties import Schedule

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        settings = get_settings()
        engine = get_engine()
        runner, duties = Worker(engine, settings), Schedule(engine)
        if once:
            done = duties.tick()
            typer.echo(f"{runner.drain()} deliveries handled; duties: "
                       + (", ".join(f"{name} {count}" for name, count in done.items()) or "none ran"))
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        runner.run(stop, on_idle=duties.tick)
