"""A real HTTP server on loopback that receives webhooks in the test's process (a thread), answering with the
statuses a test gives it in turn, and able to hold a request open (for a worker to die in the middle of it)."""

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answers in turn; 200 once they run out
    received: list[Received] = field(default_factory=list)
    hold_first: threading.Event | None = None  # set: the first request waits until the event is set

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


def verify(secret: str, headers, body: bytes, *, now: int | None = None, tolerance: int = 300) -> bool:
    """What docs/integrations.md tells a receiver to do, line for line."""
    timestamp = headers["X-Longlist-Timestamp"]
    if abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Longlist-Signature"], f"v1={expected}")


@contextmanager
def webhook_receiver(*, statuses=(), hold_first: bool = False) -> Iterator[Receiver]:
    state = Receiver(url="", statuses=list(statuses), hold_first=threading.Event() if hold_first else None)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(Received(self.path, dict(self.headers.items()), body))
                first = len(state.received) == 1
                status = state.answer()
            if first and state.hold_first is not None:
                state.hold_first.wait(timeout=120)
            payload = b"receiver says no" if status >= 400 else b"ok"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/longlist"
    try:
        yield state
    finally:
        if state.hold_first is not None:
            state.hold_first.set()
        server.shutdown()
        server.server_close()
