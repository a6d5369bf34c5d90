"""``ilja worker``: the message worker (``ilja.messages.worker``), until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading

import typer


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        once: bool = typer.Option(False, "--once", help="Deliver what is due now, then exit."),
    ) -> None:
        """Deliver messages (inbox, e-mail, SMS, 알림톡) from the outbox, with retries."""
        from ilja.config import get_settings
        from ilja.db import get_engine
        from ilja.messages.worker import Worker

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        settings = get_settings()
        runner = Worker(get_engine(), settings)
        if once:
            typer.echo(f"{runner.drain()} deliveries handled")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        runner.run(stop)
