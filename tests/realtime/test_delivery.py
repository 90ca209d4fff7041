"""Delivery over real sockets: visitor ↔ agent, idempotency, ordering under concurrency, resume, relay."""
import threading
import time
import uuid

import pytest
import requests

from tests.conftest import WIDGET_ORIGIN
from tests.realtime.conftest import Rest, SocketClient, _message_seqs


def _send(widget, content, client_msg_id=None, **fields):
    return widget.call("message:send", {"client_msg_id": client_msg_id or uuid.uuid4().hex, "content": content,
                                        **fields})


def test_a_visitor_message_reaches_the_agent_and_the_reply_reaches_the_visitor(
        make_widget_project, make_visitor, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    visitor = make_visitor(project)
    agent = connect_agent(manager)
    widget = connect_widget(project, visitor)

    ack = _send(widget, "Hello, anyone there?")
    assert ack["ok"] is True
    message = ack["message"]
    assert message["seq"] == 1 and message["sender_type"] == "visitor"
    received = agent.wait_for("message:new", lambda m: m["message"]["id"] == message["id"])
    assert received["project_id"] == project["id"]
    assert received["message"]["content"] == "Hello, anyone there?"
    created = agent.wait_for("conversation:created",
                             lambda c: c["conversation"]["id"] == message["conversation_id"])["conversation"]
    assert created["visitor"]["id"] == visitor["visitor"]["id"] and created["unread_count"] == 1

    reply = rest.reply(manager, project, message["conversation_id"], "Yes, how can I help?")
    got = widget.wait_for("message:new", lambda m: m["message"]["id"] == reply["id"])["message"]
    assert got["seq"] == 2
    assert got["sender_type"] == "agent"
    assert got["sender"]["name"] == manager["user"]["name"]


def _conversation_is(conversation_id: int, status: str):
    """Matches a conversation event about `conversation_id` in `status`."""
    return lambda event: (event["conversation"]["id"], event["conversation"]["status"]) == (conversation_id, status)


def test_a_retried_send_stores_one_message(make_widget_project, make_visitor, connect_widget, rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    first = _send(widget, "once", client_msg_id="same-id")
    again = _send(widget, "once", client_msg_id="same-id")
    assert first["ok"] and again["ok"]
    assert again["message"]["id"] == first["message"]["id"]
    items = rest.request("GET", f"/projects/{project['id']}/conversations/{first['message']['conversation_id']}"
                                "/messages", manager["access_token"]).json()["items"]
    assert [m["seq"] for m in items] == [1]


def test_a_retried_send_into_a_known_conversation_stores_one_message(make_widget_project, make_visitor,
                                                                     connect_widget, rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    conversation_id = _send(widget, "first")["message"]["conversation_id"]
    # What the widget does once it knows its conversation: name it in every send.
    first = _send(widget, "second", client_msg_id="retried", conversation_id=conversation_id)
    again = _send(widget, "second", client_msg_id="retried", conversation_id=conversation_id)
    third = _send(widget, "third", conversation_id=conversation_id)
    assert again["message"] == first["message"]
    assert (first["message"]["seq"], third["message"]["seq"]) == (2, 3)
    items = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                         manager["access_token"]).json()["items"]
    assert [(m["seq"], m["content"]) for m in items] == [(1, "first"), (2, "second"), (3, "third")]
    conversation = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}",
                                manager["access_token"]).json()
    assert conversation["last_message"]["content"] == "third"


def test_a_visitor_message_reopens_a_pending_thread_and_a_resolved_one_stays_closed(
        make_widget_project, make_visitor, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    path = f"/projects/{project['id']}/conversations"
    conversation_id = _send(widget, "hello")["message"]["conversation_id"]

    rest.request("PATCH", f"{path}/{conversation_id}", manager["access_token"], json={"status": "pending"})
    ack = _send(widget, "still there?", conversation_id=conversation_id)
    assert ack["message"]["conversation_id"] == conversation_id
    agent.wait_for("conversation:updated", _conversation_is(conversation_id, "open"))

    rest.request("PATCH", f"{path}/{conversation_id}", manager["access_token"], json={"status": "resolved"})
    ack = _send(widget, "one more thing", conversation_id=conversation_id)
    assert ack["message"]["conversation_id"] != conversation_id and ack["message"]["seq"] == 1
    old = rest.request("GET", f"{path}/{conversation_id}/messages", manager["access_token"]).json()["items"]
    assert [m["content"] for m in old if m["sender_type"] == "visitor"] == ["hello", "still there?"]


def test_fifty_concurrent_sends_from_a_visitor_and_two_agents_get_seq_1_to_50(
        make_widget_project, make_visitor, add_member, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    second_agent = add_member(project, manager)
    widget = connect_widget(project, make_visitor(project))
    watcher = connect_agent(manager)
    conversation_id = _send(widget, "first")["message"]["conversation_id"]
    results, errors = [], []

    def visitor_send(n):
        # Half name the conversation (the widget's usual send), half leave it to the server.
        ack = _send(widget, f"v{n}", **({"conversation_id": conversation_id} if n % 2 else {}))
        (results if ack["ok"] else errors).append(ack)

    def agent_send(user, n):
        try:
            results.append(rest.reply(user, project, conversation_id, f"a{n}"))
        except AssertionError as error:
            errors.append(error)

    threads = [threading.Thread(target=visitor_send, args=(n,)) for n in range(16)]
    threads += [threading.Thread(target=agent_send, args=((manager, second_agent)[n % 2], n)) for n in range(33)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}/messages?limit=100",
                          manager["access_token"]).json()["items"]
    assert [m["seq"] for m in stored] == list(range(1, 51))
    assert sorted(r["seq"] if "seq" in r else r["message"]["seq"] for r in results) == list(range(2, 51))
    watcher.wait_for("message:new", lambda m: m["message"]["seq"] == 50)
    assert _message_seqs(watcher.received("message:new"), conversation_id) == list(range(1, 51))


def test_a_reconnecting_visitor_syncs_every_missed_message_once_in_order(
        make_widget_project, make_visitor, connect_widget, rest):
    project, manager = make_widget_project()
    visitor = make_visitor(project)
    widget = connect_widget(project, visitor)
    sent = _send(widget, "I'll be right back")["message"]
    widget.close()
    for n in range(5):
        rest.reply(manager, project, sent["conversation_id"], f"missed {n}")
    again = connect_widget(project, visitor)
    ack = again.call("sync", {"conversation_id": sent["conversation_id"], "after_seq": sent["seq"]})
    assert ack["ok"] is True
    assert [m["seq"] for m in ack["messages"]] == [2, 3, 4, 5, 6]
    assert [m["content"] for m in ack["messages"]] == [f"missed {n}" for n in range(5)]
    assert again.call("conversations:list")["conversations"][0]["last_seq"] == 6


def test_private_notes_never_reach_the_widget(make_widget_project, make_visitor, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _send(widget, "hi")["message"]["conversation_id"]
    note = rest.reply(manager, project, conversation_id, "internal: refund approved", private=True)
    public = rest.reply(manager, project, conversation_id, "Your refund is on its way")
    agent.wait_for("message:new", lambda m: m["message"]["id"] == note["id"])
    widget.wait_for("message:new", lambda m: m["message"]["id"] == public["id"])
    assert all(m["message"]["id"] != note["id"] for m in widget.received("message:new"))
    synced = widget.call("sync", {"conversation_id": conversation_id, "after_seq": 0})["messages"]
    assert [m["content"] for m in synced] == ["hi", "Your refund is on its way"]


def test_conversation_updates_reach_both_sides(make_widget_project, make_visitor, connect_widget, connect_agent,
                                               rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _send(widget, "hi")["message"]["conversation_id"]
    response = rest.request("PATCH", f"/projects/{project['id']}/conversations/{conversation_id}",
                            manager["access_token"], json={"status": "resolved"})
    assert response.status_code == 200
    widget.wait_for("conversation:updated", _conversation_is(conversation_id, "resolved"))
    agent.wait_for("conversation:updated", _conversation_is(conversation_id, "resolved"))
    # The workflow line is the agents' alone (issue 14): the visitor learns the status from conversation:updated.
    system = agent.wait_for("message:new", lambda m: m["message"]["sender_type"] == "system")["message"]
    assert "resolved" in system["content"] and system["private"] is True
    assert not [m for m in widget.received("message:new") if m["message"]["sender_type"] == "system"]
    # the next message starts a new conversation
    next_message = _send(widget, "one more question")["message"]
    assert next_message["conversation_id"] != conversation_id and next_message["seq"] == 1


def test_the_relay_alone_delivers_every_event(relay_only_server, make_user, sockets):
    """With the fast path off, only the outbox relay (worker.py in production, in-process when embedded) emits."""
    rest = Rest(relay_only_server)
    email = f"relay-{uuid.uuid4().hex[:8]}@example.com"
    manager = rest.request("POST", "/auth/register", json={"email": email, "password": "correct horse battery",
                                                            "name": "Relay"}).json()
    project = rest.request("POST", "/projects", manager["access_token"],
                           json={"name": "Relay", "allowed_origins": [WIDGET_ORIGIN]}).json()
    session = rest.request("POST", "/widget/session", json={"project_key": project["public_key"]},
                           headers={"Origin": WIDGET_ORIGIN}).json()
    agent = SocketClient(relay_only_server, "/agent", origin=None).connect({"token": manager["access_token"]})
    widget = SocketClient(relay_only_server, "/widget").connect(
        {"project_key": project["public_key"], "visitor_token": session["visitor_token"]})
    sockets.extend([agent, widget])

    sent = [_send(widget, f"visitor {n}")["message"] for n in range(3)]
    conversation_id = sent[0]["conversation_id"]
    replies = [rest.reply(manager, project, conversation_id, f"agent {n}") for n in range(3)]
    agent.wait_for("message:new", lambda m: m["message"]["seq"] == 6, timeout=30)
    widget.wait_for("message:new", lambda m: m["message"]["seq"] == 6, timeout=30)
    assert _message_seqs(agent.received("message:new"), conversation_id) == [1, 2, 3, 4, 5, 6]
    assert _message_seqs(widget.received("message:new"), conversation_id) == [1, 2, 3, 4, 5, 6]
    assert {m["message"]["id"] for m in widget.received("message:new")} >= {r["id"] for r in replies}
    agent.wait_for("conversation:created", lambda c: c["conversation"]["id"] == conversation_id, timeout=30)


@pytest.mark.parametrize("path", ["/healthz"])
def test_the_live_server_is_healthy(live_server, path):
    assert requests.get(live_server + path, timeout=5).status_code == 200


def test_an_agent_can_also_send_over_the_socket(make_widget_project, make_visitor, connect_widget, connect_agent):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _send(widget, "hi")["message"]["conversation_id"]
    ack = agent.call("message:send", {"conversation_id": conversation_id, "client_msg_id": "s1", "content": "hello"})
    assert ack["ok"] and ack["message"]["seq"] == 2
    again = agent.call("message:send", {"conversation_id": conversation_id, "client_msg_id": "s1", "content": "hello"})
    assert again["message"]["id"] == ack["message"]["id"]
    widget.wait_for("message:new", lambda m: m["message"]["id"] == ack["message"]["id"])


def test_a_visitor_sends_an_attachment_the_agent_downloads(make_widget_project, make_visitor, connect_widget,
                                                          connect_agent, rest):
    project, manager = make_widget_project()
    visitor = make_visitor(project)
    widget = connect_widget(project, visitor)
    agent = connect_agent(manager)
    upload = rest.request("POST", "/widget/attachments", visitor["visitor_token"],
                          files={"file": ("receipt.pdf", b"%PDF-1.4 test", "application/pdf")})
    assert upload.status_code == 201, upload.text
    ack = _send(widget, "here is my receipt", attachment_ids=[upload.json()["id"]])
    assert ack["ok"] and ack["message"]["attachments"][0]["name"] == "receipt.pdf"
    seen = agent.wait_for("message:new", lambda m: m["message"]["id"] == ack["message"]["id"])["message"]
    download = rest.http.get(
        seen["attachments"][0]["url"], headers={"Authorization": f"Bearer {manager['access_token']}"}, timeout=10
    )
    assert download.status_code == 200 and download.content == b"%PDF-1.4 test"


def test_a_snoozed_conversation_reopens_when_the_snooze_ends(make_widget_project, make_visitor, connect_widget,
                                                            connect_agent, rest):
    from datetime import datetime, timedelta, timezone

    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _send(widget, "remind me later")["message"]["conversation_id"]
    until = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    snoozed = rest.request("PATCH", f"/projects/{project['id']}/conversations/{conversation_id}",
                           manager["access_token"], json={"status": "snoozed", "snoozed_until": until})
    assert snoozed.json()["status"] == "snoozed"
    agent.wait_for("conversation:updated", _conversation_is(conversation_id, "open"), timeout=20)


@pytest.mark.parametrize("names_conversation", [True, False])
def test_a_removed_visitor_gets_an_error_and_is_disconnected(app, make_widget_project, make_visitor, connect_widget,
                                                             names_conversation):
    from sqlalchemy import delete

    from app.extensions import db
    from app.visitors.models import Visitor

    project, _ = make_widget_project()
    visitor = make_visitor(project)
    widget = connect_widget(project, visitor)
    conversation_id = _send(widget, "hello")["message"]["conversation_id"]
    with app.app_context():
        db.session.execute(delete(Visitor).where(Visitor.id == visitor["visitor"]["id"]))
        db.session.commit()
        db.session.remove()

    ack = _send(widget, "anyone?", **({"conversation_id": conversation_id} if names_conversation else {}))
    assert ack["ok"] is False and ack["error"]["code"] == "visitor_not_found"
    deadline = time.monotonic() + 10
    while widget.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not widget.sio.connected
