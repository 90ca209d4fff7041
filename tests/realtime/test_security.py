"""Who may connect and what each socket may see: origins, tokens, tenants and visitors."""
import time
import uuid

import pytest

from tests.realtime.conftest import ConnectionRefused


def _refusal_code(error: ConnectionRefused) -> str:
    return error.args[0]["data"]["code"]


def test_an_origin_not_allowed_is_refused(make_widget_project, make_visitor, connect_widget):
    project, _ = make_widget_project()
    visitor = make_visitor(project)
    with pytest.raises(ConnectionRefused) as refused:
        connect_widget(project, visitor, origin="https://evil.example")
    assert _refusal_code(refused.value) == "origin_not_allowed"


def test_the_widget_frame_origin_is_accepted(make_widget_project, make_visitor, connect_widget, live_server):
    project, _ = make_widget_project()
    assert connect_widget(project, make_visitor(project), origin=live_server).sio.connected


def test_a_forged_or_foreign_visitor_token_is_refused(make_widget_project, make_visitor, connect_widget):
    project, _ = make_widget_project()
    other, _ = make_widget_project(name="Other")
    visitor = make_visitor(project)
    foreign = make_visitor(other)
    for token in (visitor["visitor_token"][:-3] + "xyz", foreign["visitor_token"], "", "garbage"):
        with pytest.raises(ConnectionRefused) as refused:
            connect_widget(project, visitor, token=token)
        assert _refusal_code(refused.value) in ("invalid_visitor_token",)


def test_missing_auth_is_refused(live_server, sockets):
    from tests.realtime.conftest import SocketClient

    for namespace in ("/widget", "/agent"):
        client = SocketClient(live_server, namespace)
        sockets.append(client)
        with pytest.raises(ConnectionRefused) as refused:
            client.connect(None)
        assert _refusal_code(refused.value) == "auth_required"


def test_an_agent_needs_a_live_access_token(api, make_user, connect_agent):
    user = make_user()
    for token in ("not-a-jwt", user["refresh_token"]):
        with pytest.raises(ConnectionRefused) as refused:
            connect_agent({"access_token": token})
        assert _refusal_code(refused.value) == "invalid_token"
    api.post("/auth/logout", json={"refresh_token": user["refresh_token"]}, token=user["access_token"])
    with pytest.raises(ConnectionRefused):
        connect_agent(user)


def test_a_visitor_cannot_touch_another_visitors_conversation(make_widget_project, make_visitor, connect_widget,
                                                               rest):
    project, manager = make_widget_project()
    alice = connect_widget(project, make_visitor(project))
    bob = connect_widget(project, make_visitor(project))
    conversation_id = alice.call("message:send", {"client_msg_id": "a1", "content": "private matter"})[
        "message"]["conversation_id"]
    for event, payload in (
        ("sync", {"conversation_id": conversation_id, "after_seq": 0}),
        ("read", {"conversation_id": conversation_id, "seq": 1}),
        ("message:send", {"client_msg_id": "b1", "content": "let me in", "conversation_id": conversation_id}),
        ("typing", {"is_typing": True, "conversation_id": conversation_id}),
    ):
        ack = bob.call(event, payload)
        assert ack["ok"] is False, event
        assert ack["error"]["code"] == "conversation_not_found"
    items = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                         manager["access_token"]).json()["items"]
    assert [m["content"] for m in items] == ["private matter"]
    assert all(m["message"]["conversation_id"] != conversation_id for m in bob.received("message:new"))


def test_an_agent_hears_nothing_from_another_project(make_widget_project, make_visitor, connect_widget,
                                                      connect_agent, rest):
    project_a, manager_a = make_widget_project(name="A")
    project_b, manager_b = make_widget_project(name="B")
    agent_a = connect_agent(manager_a)
    agent_b = connect_agent(manager_b)
    widget = connect_widget(project_a, make_visitor(project_a))
    message = widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": "for A only"})["message"]
    agent_a.wait_for("message:new", lambda m: m["message"]["id"] == message["id"])
    rest.reply(manager_a, project_a, message["conversation_id"], "A answers")
    agent_a.wait_for("message:new", lambda m: m["message"]["seq"] == 2)
    time.sleep(0.3)
    # B hears only its own project (its own presence), nothing of A's
    assert all(data.get("project_id") == project_b["id"] for _, data in agent_b.events)
    assert agent_b.received("message:new") == [] and agent_b.received("conversation:created") == []
    for event, payload in (("sync", {"conversation_id": message["conversation_id"], "after_seq": 0}),
                           ("typing", {"conversation_id": message["conversation_id"], "is_typing": True}),
                           ("read", {"conversation_id": message["conversation_id"], "seq": 1})):
        ack = agent_b.call(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "conversation_not_found", event
    path = f"/projects/{project_a['id']}/conversations/{message['conversation_id']}"
    assert rest.request("GET", path, manager_b["access_token"]).status_code == 404
    assert rest.request("GET", path + "/messages", manager_b["access_token"]).status_code == 404


def test_an_agent_socket_closes_when_its_token_expires(app, make_widget_project, connect_agent):
    from datetime import timedelta

    import jwt as pyjwt
    from flask_jwt_extended import create_access_token

    project, manager = make_widget_project()
    family = pyjwt.decode(manager["access_token"], options={"verify_signature": False})["fam"]
    with app.app_context():
        short = create_access_token(identity=str(manager["user"]["id"]), expires_delta=timedelta(seconds=2),
                                    additional_claims={"fam": family})
    agent = connect_agent({"access_token": short})
    error = agent.wait_for("error", timeout=15)
    assert error["code"] == "token_expired"
    deadline = time.monotonic() + 10
    while agent.sio.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not agent.sio.connected


def test_signing_out_closes_the_agent_socket(api, make_widget_project, connect_agent):
    project, manager = make_widget_project()
    agent = connect_agent(manager)
    api.post("/auth/logout", json={"refresh_token": manager["refresh_token"]}, token=manager["access_token"])
    error = agent.wait_for("error", timeout=30)
    assert error["code"] == "token_revoked"
