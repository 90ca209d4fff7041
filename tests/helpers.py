"""Test helpers: a JSON API client and a loopback SMTP server."""
from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


class Api:
    """Thin wrapper over Flask's test client for /api/v1 JSON calls."""

    def __init__(self, client) -> None:
        self.client = client

    def request(self, method: str, path: str, *, json=None, token: str | None = None, headers=None, data=None, **kw):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("/api/") or not path.startswith("/") else f"/api/v1{path}"
        return self.client.open(url, method=method, json=json, data=data, headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def text_body(message: Message) -> str:
    """The text/plain part of a received mail (mail is multipart: text and HTML)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("the mail has no text/plain part")


def html_body(message: Message) -> str:
    """The text/html part of a received mail."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    raise AssertionError("the mail has no text/html part")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Keeper:
    def __init__(self, sink: "SMTPSink") -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            if self.sink.failing.get(tuple(envelope.rcpt_tos), 0) > 0:
                # A real transient refusal, as a busy or greylisting server answers.
                self.sink.failing[tuple(envelope.rcpt_tos)] -= 1
                return "451 Try again later"
            self.sink.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SMTPSink:
    """aiosmtpd on 127.0.0.1: every message it accepts is kept for the tests."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Message] = []
        self.failing: dict[tuple, int] = {}
        self.lock = threading.Lock()
        self.controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def fail_next(self, to: str, count: int) -> None:
        """Refuse the next `count` messages to `to` with a transient 451."""
        with self.lock:
            self.failing[(to,)] = count

    def all_to(self, to: str) -> list[Message]:
        """Every message received for `to` so far."""
        with self.lock:
            return [message for message in self.messages if message["To"] == to]

    def wait_for(self, to: str, timeout: float = 20.0) -> Message:
        """The first message sent to `to`, waiting for the job that sends it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if message["To"] == to:
                        return message
            time.sleep(0.05)
        raise AssertionError(f"no mail to {to} within {timeout}s")


def wait_until_ready(process, base_url: str, timeout: float = 30.0) -> None:
    """Wait for a started web process to answer /readyz; kill it and fail if it never does."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"wsgi.py did not become ready on {base_url}")
        time.sleep(0.1)


def stop_processes(processes) -> None:
    """Terminate test servers, killing any that will not stop."""
    import subprocess

    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
