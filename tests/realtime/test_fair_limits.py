"""Fair limits for anonymous traffic: one address cannot starve a project's other visitors.

A server of its own with small limits, and clients bound to distinct loopback
addresses (127.0.0.2 floods, 127.0.0.3 is an ordinary visitor).
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, WIDGET_ORIGIN
from tests.helpers import free_port, stop_processes, wait_until_ready
from tests.realtime.conftest import SocketClient

LIMITS = {
    "WIDGET_VISITOR_MESSAGE_RATE": "5/minute",
    "WIDGET_IP_MESSAGE_RATE": "12/minute",
    "WIDGET_PROJECT_MESSAGE_RATE": "20/minute",
    "WIDGET_NEW_VISITOR_RATE": "4/minute",
    "WIDGET_NEW_CONVERSATION_RATE": "2/minute",
}


@pytest.fixture(scope="module")
def limited_server(app, rq_worker, tmp_path_factory):
    """A server with small widget limits (embedded: its own SQLite database)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | app.config["TEST_ENV"] | LIMITS | {
        "HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url,
    }
    if app.config["BACKEND"] == "sqlite":
        instance: Path = tmp_path_factory.mktemp("limited")
        env["LIVECHAT_INSTANCE"] = str(instance)
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env)
    wait_until_ready(process, base_url)
    yield base_url
    stop_processes([process])


def _post(base_url: str, address: str, path: str, body: dict, token: str | None = None,
          origin: str | None = WIDGET_ORIGIN) -> tuple[int, dict, dict]:
    """POST JSON from a given loopback address; (status, headers, body)."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15, source_address=(address, 0))
    headers = {"Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request("POST", f"/api/v1{path}", json.dumps(body), headers)
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    connection.close()
    return result


def _project(base_url: str) -> tuple[dict, str]:
    email = f"fair-{uuid.uuid4().hex[:8]}@example.com"
    _, _, tokens = _post(base_url, "127.0.0.1", "/auth/register",
                         {"email": email, "password": "long enough pw", "name": "M"}, origin=None)
    _, _, project = _post(base_url, "127.0.0.1", "/projects", {"name": "Fair", "allowed_origins": [WIDGET_ORIGIN]},
                          token=tokens["access_token"], origin=None)
    return project, tokens["access_token"]


def _visitor(base_url: str, project: dict, address: str) -> dict:
    status, _, body = _post(base_url, address, "/widget/session", {"project_key": project["public_key"]})
    assert status == 200, body
    return body


def _widget(base_url: str, project: dict, session: dict, address: str, opened: list) -> SocketClient:
    """A /widget socket whose TCP connection comes from `address`."""
    url = urlsplit(base_url)
    sock = socket.socket()
    sock.bind((address, 0))
    sock.connect((url.hostname, url.port))
    client = SocketClient(base_url, "/widget", WIDGET_ORIGIN)
    client.sio.eio.websocket_extra_options["socket"] = sock
    opened.append(client)
    return client.connect({"project_key": project["public_key"], "visitor_token": session["visitor_token"]})


@pytest.fixture
def opened():
    clients: list[SocketClient] = []
    yield clients
    for client in clients:
        client.close()


def test_a_flooding_address_cannot_starve_another_visitor(limited_server, opened):
    project, _ = _project(limited_server)
    flooders = [_widget(limited_server, project, _visitor(limited_server, project, "127.0.0.2"), "127.0.0.2", opened)
                for _ in range(4)]
    accepted, refused = 0, []
    for round_ in range(6):  # 4 visitors × 6 = 24 attempts: beyond each visitor's 5 and the address's 12
        for n, client in enumerate(flooders):
            ack = client.call("message:send", {"client_msg_id": f"f{n}-{round_}", "content": "spam"})
            if ack["ok"]:
                accepted += 1
            else:
                refused.append(ack["error"])
    assert accepted == 12  # the address's share of the project, no more
    assert {error["code"] for error in refused} == {"rate_limited"}
    assert all(error["details"]["retry_after"] >= 1 for error in refused)

    # Another address's visitor still gets every message through (5 = its own limit).
    ordinary = _widget(limited_server, project, _visitor(limited_server, project, "127.0.0.3"), "127.0.0.3", opened)
    for n in range(5):
        ack = ordinary.call("message:send", {"client_msg_id": f"o{n}", "content": f"question {n}"})
        assert ack["ok"], ack


def test_new_visitors_per_address_are_limited_with_a_retry_hint(limited_server):
    project, _ = _project(limited_server)
    for _ in range(4):
        _visitor(limited_server, project, "127.0.0.4")
    status, headers, body = _post(
        limited_server, "127.0.0.4", "/widget/session", {"project_key": project["public_key"]}
    )
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert int(headers["retry-after"]) >= 1 and body["error"]["details"]["retry_after"] >= 1
    # Another address is not affected, and the same address may resume its existing visitors.
    assert _visitor(limited_server, project, "127.0.0.5")
    resumed = _post(limited_server, "127.0.0.4", "/widget/session", {"project_key": project["public_key"],
                                                                       "visitor_token": _visitor(
                                                                           limited_server, project, "127.0.0.6")[
                                                                           "visitor_token"]})
    assert resumed[0] == 200


def test_conversation_new_is_throttled_and_stores_nothing(limited_server, opened):
    project, token = _project(limited_server)
    session = _visitor(limited_server, project, "127.0.0.7")
    widget = _widget(limited_server, project, session, "127.0.0.7", opened)
    for _ in range(2):
        assert widget.call("conversation:new") == {"ok": True, "conversation": None}
    throttled = widget.call("conversation:new")
    assert throttled["ok"] is False and throttled["error"]["code"] == "rate_limited"
    assert throttled["error"]["details"]["retry_after"] >= 1
    assert widget.call("conversations:list")["conversations"] == []  # no ghost conversations


def test_a_visitors_uploads_are_limited_with_a_retry_hint(app, api, make_widget_project, make_visitor, monkeypatch):
    import io

    monkeypatch.setitem(app.config, "WIDGET_VISITOR_UPLOAD_RATE", "2/minute")
    project, _ = make_widget_project()
    visitor, other = make_visitor(project), make_visitor(project)

    def upload(session):
        return api.post("/widget/attachments", data={"file": (io.BytesIO(b"hello"), "note.txt", "text/plain")},
                        content_type="multipart/form-data",
                        headers={"Authorization": f"Bearer {session['visitor_token']}"})

    assert [upload(visitor).status_code for _ in range(2)] == [201, 201]
    refused = upload(visitor)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert upload(other).status_code == 201  # another visitor has its own allowance
