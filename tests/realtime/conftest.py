"""Socket fixtures: real python-socketio clients against a real `python wsgi.py` server.

`live_server` (tests/conftest.py) serves with the fast path on; `relay_only_server`
serves with REALTIME_FAST_PATH=0 so that only the outbox relay can deliver.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from app.realtime import contract
from tests.conftest import ROOT, WIDGET_ORIGIN
from tests.helpers import free_port, stop_processes, wait_until_ready


class ConnectionRefused(Exception):
    """The server refused the connection; `args[0]` is its reason ({code, message})."""


class SocketClient:
    """A Socket.IO client on one namespace that records every event it receives.

    Every event it receives and every ack it gets must validate against the realtime
    contract (`app/realtime/contract.py`): acks are checked as they arrive, events
    at the end of the test (`_every_event_follows_the_contract`).
    """

    created: list["SocketClient"] = []

    def __init__(self, base_url: str, namespace: str, origin: str | None = WIDGET_ORIGIN) -> None:
        SocketClient.created.append(self)
        self.base_url = base_url
        self.namespace = namespace
        # websocket-client sends an Origin of its own unless told which one (or none) to send.
        options = {"origin": origin} if origin else {"suppress_origin": True}
        self.sio = socketio.Client(reconnection=False, websocket_extra_options=options)
        self.events: list[tuple[str, object]] = []
        self.refusal = None
        self.disconnect_reason = None
        self.condition = threading.Condition()
        self.sio.on("*", self._record, namespace=namespace)
        self.sio.on("connect_error", self._refused, namespace=namespace)
        self.sio.on("disconnect", self._disconnected, namespace=namespace)

    def _record(self, event, data=None):
        with self.condition:
            self.events.append((event, data))
            self.condition.notify_all()

    def _refused(self, data=None):
        self.refusal = data

    def _disconnected(self, reason=None):
        self.disconnect_reason = reason

    def connect(self, auth: dict) -> "SocketClient":
        try:
            self.sio.connect(self.base_url, namespaces=[self.namespace], auth=auth,
                             transports=["websocket"], wait_timeout=10)
        except socketio.exceptions.ConnectionError as error:
            raise ConnectionRefused(self.refusal) from error
        return self

    def call(self, event: str, data=None, timeout: float = 15):
        answer = self.sio.call(event, data, namespace=self.namespace, timeout=timeout)
        contract.ack(self.namespace, event, answer)
        return answer

    def emit(self, event: str, data=None) -> None:
        self.sio.emit(event, data, namespace=self.namespace)

    def received(self, event: str) -> list:
        with self.condition:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = 15):
        """The first `event` whose payload satisfies `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for name, data in self.events:
                    if name == event and predicate(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {event!r} matching within {timeout}s; got {self.events!r}")
                self.condition.wait(remaining)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def _message_seqs(events: list, conversation_id: int) -> list[int]:
    """Distinct seqs of message:new events of one conversation (clients drop duplicates by seq)."""
    return sorted({e["message"]["seq"] for e in events if e["message"]["conversation_id"] == conversation_id})


@pytest.fixture(autouse=True)
def _every_event_follows_the_contract():
    """Like Zulip's test_events: each event a test's sockets received validates against its model."""
    SocketClient.created.clear()
    yield
    failures = []
    for client in SocketClient.created:
        with client.condition:
            events = list(client.events)
        for name, data in events:
            try:
                contract.server_event(client.namespace, name, data)
            except ValueError as error:  # pydantic's ValidationError is a ValueError
                failures.append(f"{client.namespace} {name}: {error}")
    SocketClient.created.clear()
    assert failures == [], "events outside the realtime contract:\n" + "\n".join(failures)


@pytest.fixture
def sockets():
    """Every client a test opens, closed at the end."""
    opened: list[SocketClient] = []
    yield opened
    for client in opened:
        client.close()


@pytest.fixture
def connect_widget(live_server, sockets):
    """Connect a visitor (a widget session body) over /widget; returns the SocketClient."""

    def connect(project: dict, session: dict, origin: str | None = WIDGET_ORIGIN, base_url: str | None = None,
                token: str | None = None) -> SocketClient:
        client = SocketClient(base_url or live_server, "/widget", origin)
        sockets.append(client)
        auth = {
            "project_key": project["public_key"],
            "visitor_token": session["visitor_token"] if token is None else token,
        }
        return client.connect(auth)

    return connect


@pytest.fixture
def connect_agent(live_server, sockets):
    """Connect an agent (a make_user body) over /agent; returns the SocketClient."""

    def connect(user: dict, base_url: str | None = None) -> SocketClient:
        client = SocketClient(base_url or live_server, "/agent", origin=None)
        sockets.append(client)
        return client.connect({"token": user["access_token"]})

    return connect


class Rest:
    """JSON calls to the live server's /api/v1."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, f"{self.base_url}/api/v1{path}", headers=headers, timeout=30, **kw)

    def reply(self, user: dict, project: dict, conversation_id: int, content: str, **fields):
        body = {"content": content, "client_msg_id": fields.pop("client_msg_id", uuid.uuid4().hex), **fields}
        response = self.request("POST", f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                                user["access_token"], json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def rest(live_server):
    """REST against the live server (so its fast path, not this process's, emits)."""
    return Rest(live_server)


@pytest.fixture(scope="module")
def relay_only_server(app, rq_worker, tmp_path_factory):
    """A server with the fast path off. Embedded mode gets its own SQLite database, since an
    embedded process is the one relay of its database; production shares the worker's."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | app.config["TEST_ENV"] | {
        "HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url, "REALTIME_FAST_PATH": "0",
        "RELAY_SWEEP_SECONDS": "0.5",
    }
    if app.config["BACKEND"] == "sqlite":
        instance: Path = tmp_path_factory.mktemp("relay-only")
        env["LIVECHAT_INSTANCE"] = str(instance)
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    processes = [subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env)]
    if app.config["BACKEND"] == "postgres":
        # A worker whose listener wakes the relay on NOTIFY (the session's worker leaves young rows
        # to the fast path and only sweeps).
        processes.append(subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env))
    wait_until_ready(processes[0], base_url)
    yield base_url
    stop_processes(processes)


@pytest.fixture
def unused_ids(make_user):
    """Burn a score of user ids first. Ids restart with every test, and other suites' browsers (or a
    socket the server is still closing) may keep a low-numbered agent of an earlier test connected to
    the shared server; presence tests need agents whose ids nobody else holds."""
    for _ in range(20):
        make_user()
