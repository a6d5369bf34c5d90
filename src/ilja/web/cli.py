"""``ilja serve`` and ``ilja demo``: run the web app and API."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        workers: int = typer.Option(1, help="Worker processes."),
    ) -> None:
        """Run the web app and API against ILJA_DATABASE_URL (migrate first: ilja db upgrade)."""
        import uvicorn

        uvicorn.run("ilja.web.app:create_app", factory=True, host=host, port=port, workers=workers)
