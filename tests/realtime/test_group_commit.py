"""The send path under concurrency: group commit keeps every guarantee, and overload is an answer."""
import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, WIDGET_ORIGIN
from tests.helpers import free_port, stop_processes, wait_until_ready
from tests.realtime.conftest import Rest, SocketClient


def _send(widget, content, client_msg_id=None, **fields):
    return widget.call("message:send", {"client_msg_id": client_msg_id or uuid.uuid4().hex, "content": content,
                                        **fields}, timeout=60)


def _all_at_once(calls):
    """Run every call on its own thread, released together; their results in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _stored_messages(rest, manager, project, conversation_id):
    return rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}/messages?limit=500",
                        manager["access_token"]).json()["items"]


# Every test client comes from 127.0.0.1: the widget's per-address and per-visitor caps would refuse these bursts.
_UNLIMITED = {"WIDGET_VISITOR_MESSAGE_RATE": "100000/minute", "WIDGET_IP_MESSAGE_RATE": "100000/minute",
              "WIDGET_PROJECT_MESSAGE_RATE": "100000/minute", "WIDGET_NEW_VISITOR_RATE": "100000/minute"}


def _start_server(app, tmp_path_factory, name: str, env: dict):
    """A `python wsgi.py` of its own. Embedded mode gets its own SQLite database (an embedded process is
    the one relay of its database); production shares the session's database and worker."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | app.config["TEST_ENV"] | {"HOST": "127.0.0.1", "PORT": str(port),
                                                       "PUBLIC_URL": base_url} | env
    if app.config["BACKEND"] == "sqlite":
        instance: Path = tmp_path_factory.mktemp(name)
        env["LIVECHAT_INSTANCE"] = str(instance)
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env)
    wait_until_ready(process, base_url)
    return base_url, process


def _project(rest):
    """A manager, a second agent and a project whose widget runs on WIDGET_ORIGIN, all through the API."""
    def register(name):
        return rest.request("POST", "/auth/register", json={
            "email": f"{name}-{uuid.uuid4().hex[:8]}@example.com", "password": "correct horse battery",
            "name": name}).json()

    manager = register("manager")
    project = rest.request("POST", "/projects", manager["access_token"],
                           json={"name": "Busy", "allowed_origins": [WIDGET_ORIGIN]}).json()
    second = register("agent")
    invitation = rest.request("POST", f"/projects/{project['id']}/invitations", manager["access_token"],
                              json={"email": second["user"]["email"], "role": "AGENT"}).json()
    token = invitation["accept_url"].rsplit("/", 1)[1]
    assert rest.request("POST", f"/invitations/{token}/accept", second["access_token"]).status_code == 200
    return project, manager, second


def _widget(base_url, rest, project, sockets):
    session = rest.request("POST", "/widget/session", json={"project_key": project["public_key"]},
                           headers={"Origin": WIDGET_ORIGIN}).json()
    widget = SocketClient(base_url, "/widget").connect(
        {"project_key": project["public_key"], "visitor_token": session["visitor_token"]})
    sockets.append(widget)
    return widget


@pytest.fixture(scope="module")
def roomy_server(app, rq_worker, tmp_path_factory):
    """A server with the default send path and no abuse limits in the way."""
    base_url, process = _start_server(app, tmp_path_factory, "roomy", _UNLIMITED)
    yield base_url
    stop_processes([process])


def test_two_hundred_concurrent_sends_into_twenty_conversations(roomy_server, sockets):
    rest = Rest(roomy_server)
    project, manager, second = _project(rest)
    agents = []
    for user in (manager, second):
        agent = SocketClient(roomy_server, "/agent", origin=None).connect({"token": user["access_token"]})
        sockets.append(agent)
        agents.append(agent)
    widgets, conversations = [], []
    for n in range(20):
        widget = _widget(roomy_server, rest, project, sockets)
        widgets.append(widget)
        conversations.append(_send(widget, f"hello from {n}")["message"]["conversation_id"])

    sends = [(n % 20, f"message {n}", uuid.uuid4().hex) for n in range(200)]
    acks = _all_at_once([
        lambda v=v, content=content, cid=cid: _send(widgets[v], content, cid, conversation_id=conversations[v])
        for v, content, cid in sends
    ])

    assert all(isinstance(ack, dict) and ack["ok"] for ack in acks), [a for a in acks if not isinstance(a, dict)
                                                                      or not a["ok"]][:3]
    for (v, content, client_msg_id), ack in zip(sends, acks):
        assert ack["message"]["conversation_id"] == conversations[v]
        assert (ack["message"]["content"], ack["message"]["client_msg_id"]) == (content, client_msg_id)
    assert len({ack["message"]["id"] for ack in acks}) == 200
    # Stored once each, and seq gap-free in every conversation (the first visitor message opened it; an
    # assignment may add system lines).
    for v, conversation_id in enumerate(conversations):
        items = _stored_messages(rest, manager, project, conversation_id)
        assert [m["seq"] for m in items] == list(range(1, len(items) + 1))
        stored = [m for m in items if m["sender_type"] == "visitor"]
        assert len(stored) == 11
        mine = {ack["message"]["client_msg_id"]: ack["message"] for (sv, _, _), ack in zip(sends, acks) if sv == v}
        assert Counter(m["client_msg_id"] for m in stored[1:]) == Counter({cid: 1 for cid in mine})
        assert {m["client_msg_id"]: (m["id"], m["seq"]) for m in stored[1:]} == {
            cid: (m["id"], m["seq"]) for cid, m in mine.items()}
    # Every agent got each message once.
    expected = {(ack["message"]["conversation_id"], ack["message"]["seq"]) for ack in acks}
    def key(event):  # agents get {event_id, project_id, message}
        return event["message"]["conversation_id"], event["message"]["seq"]

    for agent in agents:
        agent.wait_for("message:new", lambda m, seen=set(): seen.add(key(m)) or expected <= seen, timeout=30)
        got = Counter(key(m) for m in agent.received("message:new") if key(m) in expected)
        assert set(got) == expected and set(got.values()) == {1}


@pytest.fixture(scope="module")
def tiny_server(app, rq_worker, tmp_path_factory):
    """A server whose send queue holds two sends and whose writer takes one at a time: easy to saturate."""
    base_url, process = _start_server(app, tmp_path_factory, "tiny", _UNLIMITED | {
        "SEND_QUEUE_MAX": "2", "SEND_BATCH_MAX": "1", "SEND_WRITERS": "1"})
    yield base_url
    stop_processes([process])


def test_past_saturation_every_send_is_stored_and_acked_or_refused_as_overloaded(tiny_server, sockets):
    rest = Rest(tiny_server)
    project, manager, _ = _project(rest)
    widgets, conversations = [], []
    for n in range(10):
        widget = _widget(tiny_server, rest, project, sockets)
        widgets.append(widget)
        conversations.append(_send(widget, "hello")["message"]["conversation_id"])

    # 150 sends at once into open conversations, and 10 new conversations among them.
    sends = [(n % 10, uuid.uuid4().hex, n >= 150) for n in range(160)]
    acks = _all_at_once([
        lambda v=v, cid=cid, new=new: _send(widgets[v], "busy", cid,
                                            **({} if new else {"conversation_id": conversations[v]}))
        for v, cid, new in sends
    ])

    assert all(isinstance(ack, dict) for ack in acks), [a for a in acks if not isinstance(a, dict)][:3]
    refused = [ack for ack in acks if not ack["ok"]]
    assert all(ack["error"]["code"] == "overloaded" and ack["error"]["details"]["retry_after_ms"] > 0
               for ack in refused), refused[:3]
    assert refused, "the server was not driven past saturation"
    stored = Counter()
    seen_conversations = {ack["message"]["conversation_id"] for ack in acks if ack["ok"]} | set(conversations)
    for conversation_id in seen_conversations:
        items = _stored_messages(rest, manager, project, conversation_id)
        assert [m["seq"] for m in items] == list(range(1, len(items) + 1))
        stored.update(m["client_msg_id"] for m in items)
    for (_, client_msg_id, _), ack in zip(sends, acks):
        assert stored[client_msg_id] == (1 if ack["ok"] else 0)
    # A refused send succeeds when retried.
    v, client_msg_id, _ = next(s for s, ack in zip(sends, acks) if not ack["ok"])
    assert _send(widgets[v], "busy", client_msg_id, conversation_id=conversations[v])["ok"] is True
