"""``ilja serve`` and ``ilja demo``: run the web app and API."""

from __future__ import annotations

import typer

KEEP_ALIVE_DIRECT = 5  # an idle client connection is closed after 5 s
# Behind nginx, longer than its upstream keepalive_timeout (60 s, deploy/nginx/ilja.conf): the
# proxy closes idle connections first and never sends a request on one uvicorn is closing.
KEEP_ALIVE_BEHIND_PROXY = 75


def uvicorn_options(behind_proxy: bool) -> dict[str, object]:
    """Proxy headers (the client's address, ``https``) are trusted only from the local proxy,
    and only when there is one: a direct client cannot claim TLS or another address."""
    if behind_proxy:
        return {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1",
                "timeout_keep_alive": KEEP_ALIVE_BEHIND_PROXY}
    return {"proxy_headers": False, "timeout_keep_alive": KEEP_ALIVE_DIRECT}


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        workers: int = typer.Option(1, help="Worker processes."),
        behind_proxy: bool = typer.Option(
            False, help="Behind the local nginx (deploy/nginx/ilja.conf): trust its X-Forwarded-For "
            "and X-Forwarded-Proto, so HSTS and secure cookies follow the client's https."),
    ) -> None:
        """Run the web app and API against ILJA_DATABASE_URL (migrate first: ilja db upgrade)."""
        # lazy: CLI start-up (the web server loads when a command serves)
        import uvicorn

        uvicorn.run("ilja.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    **uvicorn_options(behind_proxy))  # type: ignore[arg-type]
