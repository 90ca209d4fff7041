"""Typing (throttled), read receipts, presence and round-robin auto-assignment over real sockets."""
import time
import uuid

from tests.conftest import WIDGET_ORIGIN


def _eventually(probe, expected, timeout: float = 10.0):
    """Poll `probe()` until it returns `expected`. Ids restart with every test, so the server may
    still be closing a previous test's socket of "the same" user when this one begins."""
    deadline = time.monotonic() + timeout
    while (value := probe()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def _first_message(widget, content="hi"):
    return widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": content})["message"]


def test_typing_goes_both_ways_and_is_throttled(make_widget_project, make_visitor, connect_widget, connect_agent):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _first_message(widget)["conversation_id"]

    assert widget.call("typing", {"is_typing": True}) == {"ok": True}
    assert widget.call("typing", {"is_typing": True})["throttled"] is True
    seen = agent.wait_for("typing", lambda t: t["sender_type"] == "visitor")
    assert seen == {"project_id": project["id"], "conversation_id": conversation_id, "is_typing": True,
                    "visitor_id": seen["visitor_id"], "sender_type": "visitor"}
    assert widget.call("typing", {"is_typing": False})["ok"] is True
    agent.wait_for("typing", lambda t: t["is_typing"] is False)
    assert len([t for t in agent.received("typing") if t["is_typing"]]) == 1

    assert agent.call("typing", {"conversation_id": conversation_id, "is_typing": True})["ok"] is True
    shown = widget.wait_for("typing")
    assert shown["conversation_id"] == conversation_id and shown["is_typing"] is True
    assert shown["agent"] == {"id": manager["user"]["id"], "name": manager["user"]["name"], "avatar_url": None}


def test_read_receipts_reach_the_other_side(make_widget_project, make_visitor, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    conversation_id = _first_message(widget)["conversation_id"]
    reply = rest.reply(manager, project, conversation_id, "hello")

    ack = widget.call("read", {"conversation_id": conversation_id, "seq": reply["seq"]})
    assert ack["ok"] and ack["conversation"]["visitor_last_read_seq"] == 2
    receipt = agent.wait_for("read", lambda r: r["reader_type"] == "visitor")
    assert receipt["conversation_id"] == conversation_id and receipt["seq"] == 2

    _first_message(widget, "thanks")
    ack = agent.call("read", {"conversation_id": conversation_id, "seq": 3})
    assert ack == {"ok": True, "conversation_id": conversation_id, "last_read_seq": 3, "unread_count": 0}
    seen = widget.wait_for("read", lambda r: r["reader_type"] == "agent")
    assert seen["seq"] == 3
    # A reloaded widget learns how far the team has read from its conversation list.
    listed = widget.call("conversations:list")["conversations"]
    assert [(c["id"], c["agent_last_read_seq"]) for c in listed] == [(conversation_id, 3)]


def test_agent_presence_follows_its_tabs_and_status(unused_ids, make_widget_project, connect_agent, add_member,
                                                    rest):
    project, manager = make_widget_project()
    colleague = add_member(project, manager)
    watcher = connect_agent(manager)

    def status():
        items = rest.request("GET", f"/projects/{project['id']}/presence", manager["access_token"]).json()["items"]
        return {p["user_id"]: p["status"] for p in items}[colleague["user"]["id"]]

    assert _eventually(status, "offline") == "offline"
    first_tab = connect_agent(colleague)
    watcher.wait_for("presence", lambda p: p["user_id"] == colleague["user"]["id"] and p["status"] == "online")
    second_tab = connect_agent(colleague)
    first_tab.close()
    time.sleep(0.3)
    assert status() == "online"  # another tab is still open
    assert second_tab.call("presence:set", {"status": "away"}) == {"ok": True, "status": "away"}
    assert status() == "away"
    watcher.wait_for("presence", lambda p: p["user_id"] == colleague["user"]["id"] and p["status"] == "away")
    second_tab.close()
    watcher.wait_for("presence", lambda p: p["user_id"] == colleague["user"]["id"] and p["status"] == "offline")
    assert _eventually(status, "offline") == "offline"


def test_an_agent_who_chose_away_connects_away_and_gets_no_new_conversations(
        unused_ids, api, rest, make_widget_project, make_visitor, connect_agent, connect_widget, live_server, sockets):
    from tests.realtime.conftest import SocketClient

    project, manager = make_widget_project()
    api.patch(f"/projects/{project['id']}/inbox-settings", json={"auto_assign": True},
              token=manager["access_token"])
    away_tab = SocketClient(live_server, "/agent", origin=None)
    sockets.append(away_tab)
    away_tab.connect({"token": manager["access_token"], "status": "away"})
    items = rest.request("GET", f"/projects/{project['id']}/presence", manager["access_token"]).json()["items"]
    assert {p["user_id"]: p["status"] for p in items}[manager["user"]["id"]] == "away"

    widget = connect_widget(project, make_visitor(project))
    conversation_id = _first_message(widget, "anyone?")["conversation_id"]
    row = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}", manager["access_token"])
    assert row.json()["assignee_id"] is None


def test_agents_see_visitors_come_and_go(make_widget_project, make_visitor, connect_widget, connect_agent, rest):
    project, manager = make_widget_project()
    agent = connect_agent(manager)
    for _ in range(20):  # burn visitor ids an earlier test's lingering widget may still hold
        make_visitor(project)
    visitor = make_visitor(project)
    widget = connect_widget(project, visitor)
    vid = visitor["visitor"]["id"]
    agent.wait_for("visitor:updated", lambda e: e["visitor"]["id"] == vid and e["visitor"]["online"] is True)
    # presence lives in the serving process (embedded) or Redis (production): ask the live server
    online = rest.request("GET", f"/projects/{project['id']}/visitors?online=true", manager["access_token"]).json()
    assert vid in [v["id"] for v in online["items"]]
    widget.close()
    agent.wait_for("visitor:updated", lambda e: e["visitor"]["id"] == vid and e["visitor"]["online"] is False)


def test_the_widget_config_says_when_agents_are_online(unused_ids, make_widget_project, connect_agent, rest):
    project, manager = make_widget_project()

    def agents_online():
        session = rest.request("POST", "/widget/session", json={"project_key": project["public_key"]},
                               headers={"Origin": WIDGET_ORIGIN})
        return session.json()["config"]["agents_online"]

    assert _eventually(agents_online, False) is False
    agent = connect_agent(manager)
    assert agents_online() is True
    agent.call("presence:set", {"status": "away"})
    assert agents_online() is False


def test_round_robin_assigns_new_conversations_among_online_agents_under_capacity(
        unused_ids, api, rest, make_widget_project, make_visitor, add_member, connect_agent, connect_widget):
    project, manager = make_widget_project()
    colleague = add_member(project, manager)
    api.patch(f"/projects/{project['id']}/inbox-settings", json={"auto_assign": True, "agent_capacity": 1},
              token=manager["access_token"])
    connect_agent(manager)
    connect_agent(colleague)
    assignees = []
    for n in range(3):
        widget = connect_widget(project, make_visitor(project))
        conversation_id = _first_message(widget, f"customer {n}")["conversation_id"]
        row = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}",
                           manager["access_token"])
        assignees.append(row.json()["assignee_id"])
    assert sorted(assignees[:2]) == sorted([manager["user"]["id"], colleague["user"]["id"]])
    assert assignees[2] is None  # both agents are at capacity


def test_the_widget_lists_and_starts_conversations(make_widget_project, make_visitor, connect_widget):
    project, _ = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    assert widget.call("conversations:list") == {"ok": True, "conversations": []}
    first = _first_message(widget)["conversation_id"]
    # Issue 14: a new conversation is lazy, like the first: no row until its first message.
    fresh = widget.call("conversation:new")
    assert fresh == {"ok": True, "conversation": None}
    assert [c["id"] for c in widget.call("conversations:list")["conversations"]] == [first]
    into_fresh = widget.call("message:send", {"client_msg_id": "n1", "content": "new topic"})
    new_id = into_fresh["message"]["conversation_id"]
    assert new_id != first and into_fresh["message"]["seq"] == 1
    listed = widget.call("conversations:list")["conversations"]
    assert [c["id"] for c in listed] == [new_id, first]
    # Without conversation:new, a message goes on in the open conversation.
    again = widget.call("message:send", {"client_msg_id": "n2", "content": "and more"})
    assert again["message"]["conversation_id"] == new_id
