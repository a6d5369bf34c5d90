"""The far ends of the message tests, each a real server on a free local port, stopped on exit:
an SMTP server (aiosmtpd) and an HTTP server that speaks NHN Cloud's SMS and 알림톡 send and
look-up interface (``ilja.messages.channels.NhnCloudTransport``)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "test-secret"
APP_KEY = "test-app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Far:
    """What a server received, and how it should misbehave."""

    received: list[Any] = field(default_factory=list)
    fail_first: int = 0  # answer this many sends with a temporary failure
    refuse: bool = False  # answer every send with a permanent refusal
    slow_first: float = 0.0  # hold the first send this long after recording it (a crash window)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, item: Any) -> tuple[int, bool]:
        """Record ``item``; (its number, whether it is to be held)."""
        with self.lock:
            self.received.append(item)
            n = len(self.received)
        self.first_arrived.set()
        return n, n == 1 and self.slow_first > 0

    def mailbox(self) -> dict[str, Any]:
        """The mail store's view: one mail per Message-ID (a repeat is dropped, as stores do)."""
        return {mail["Message-ID"]: mail for mail in self.received}


class _SmtpHandler:
    def __init__(self, far: Far) -> None:
        self.far = far

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.far.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        far = self.far
        with far.lock:
            failing = far.fail_first > 0
            far.fail_first -= failing
        if failing:
            return "451 4.3.0 try again later"
        n, hold = far.take(message_from_bytes(envelope.content, policy=policy.default))
        if hold:  # recorded, not yet acknowledged: the worker dies in here
            waited = 0.0
            while waited < far.slow_first and not far.release.is_set():
                await asyncio.sleep(0.05)
                waited += 0.05
        return "250 OK"


@contextmanager
def smtp_server(far: Far | None = None) -> Iterator[tuple[int, Far]]:
    from aiosmtpd.controller import Controller

    far = far or Far()
    port = free_port()
    controller = Controller(_SmtpHandler(far), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, far
    finally:
        far.release.set()
        controller.stop()


class _ProviderHandler(BaseHTTPRequestHandler):
    far: Far

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("X-Secret-Key") != SECRET:
            self._answer(401, {"header": {"isSuccessful": False, "resultCode": -401}})
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802
        far = self.far
        if not self._authorised():
            return
        path = urllib.parse.urlparse(self.path).path
        sms = path in (f"/sms/v3.0/appKeys/{APP_KEY}/sender/sms", f"/sms/v3.0/appKeys/{APP_KEY}/sender/mms")
        alimtalk = path == f"/alimtalk/v2.3/appkeys/{APP_KEY}/raw-messages"
        if not (sms or alimtalk):
            self._answer(404, {"header": {"isSuccessful": False, "resultCode": -404}})
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with far.lock:
            failing = far.fail_first > 0
            far.fail_first -= failing
        if failing:
            self._answer(503, {"header": {"isSuccessful": False, "resultCode": -503}})
            return
        if far.refuse:
            self._answer(200, {"header": {"isSuccessful": False, "resultCode": -1006, "resultMessage": "invalid"}})
            return
        request_id = f"req-{len(far.received) + 1}"
        n, hold = far.take({"path": path, "body": body, "requestId": request_id})
        if hold:
            far.release.wait(far.slow_first)
        results = [{"recipientNo": r["recipientNo"], "resultCode": 0, "resultMessage": "SUCCESS",
                    "recipientGroupingKey": r.get("recipientGroupingKey")} for r in body["recipientList"]]
        header = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
        if sms:
            self._answer(200, {"header": header, "body": {"data": {
                "requestId": request_id, "statusCode": "2", "sendResultList": results}}})
        else:
            self._answer(200, {"header": header, "message": {"requestId": request_id, "sendResults": results}})

    def do_GET(self) -> None:  # noqa: N802
        if not self._authorised():
            return
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if not {"startRequestDate", "endRequestDate"} <= set(query):
            self._answer(400, {"header": {"isSuccessful": False, "resultCode": -1}})
            return
        key = query.get("recipientGroupingKey", [""])[0]
        with self.far.lock:
            found = [{"requestId": r["requestId"], "recipientGroupingKey": key} for r in self.far.received
                     if any(x.get("recipientGroupingKey") == key for x in r["body"]["recipientList"])]
        header = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
        if url.path.startswith("/sms/"):
            self._answer(200, {"header": header, "body": {"pageNum": 1, "totalCount": len(found), "data": found}})
        else:
            self._answer(200, {"header": header, "messageSearchResultResponse": {
                "messages": found, "totalCount": len(found)}})


@contextmanager
def provider_server(far: Far | None = None) -> Iterator[tuple[str, Far]]:
    far = far or Far()
    handler = type("Handler", (_ProviderHandler,), {"far": far})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-provider")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", far
    finally:
        far.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def wait_for(condition, timeout: float = 30.0, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
