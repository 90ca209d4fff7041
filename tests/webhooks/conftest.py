"""A webhook receiver on loopback (allowlisted by the suite's OUTBOUND_ALLOWLIST) that answers from a script."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """Keeps every request; answers the next scripted (status, headers) or 200."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                              "body": body.decode(), "path": self.path})
                    status, headers = receiver.script.pop(0) if receiver.script else (200, {})
                answer = b"ok" if status < 300 else b"nope"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict]:
        """The first `count` requests, waiting for the delivery jobs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.requests)} deliveries within {timeout}s, expected {count}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(rq_worker):
    """A fresh receiver; in production mode the session's RQ worker makes the calls."""
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def make_webhook(api):
    """Register an endpoint; returns its creation body (with the secret)."""

    def make(project: dict, manager: dict, url: str, events=("message.created",), **fields) -> dict:
        response = api.post(f"/projects/{project['id']}/webhooks", json={"url": url, "events": list(events), **fields},
                            token=manager["access_token"])
        assert response.status_code == 201, response.json
        return response.json

    return make
