"""What visitors see: replies, automatic messages and "Carol joined"; never workflow lines or agents' ids."""
import time

INTERNAL_WORDS = ("assigned", "snoozed", "reopened", "pending", "resolved", "integration", "snooze")


def _patch(rest, token, project, conversation_id, **fields):
    response = rest.request("PATCH", f"/projects/{project['id']}/conversations/{conversation_id}", token, json=fields)
    assert response.status_code == 200, response.text
    return response.json()


def test_visitors_never_see_internal_workflow(make_widget_project, make_visitor, add_member, connect_widget,
                                              connect_agent, rest):
    project, manager = make_widget_project()
    carol = add_member(project, manager)
    key = rest.request("POST", f"/projects/{project['id']}/api-keys", manager["access_token"],
                       json={"name": "crm", "role": "MANAGER"}).json()["key"]
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    first = widget.call("message:send", {"client_msg_id": "q1", "content": "hi"})["message"]
    conversation_id = first["conversation_id"]

    _patch(rest, manager["access_token"], project, conversation_id, assignee_id=carol["user"]["id"])
    rest.reply(carol, project, conversation_id, "Hello, Carol here")
    _patch(rest, manager["access_token"], project, conversation_id, status="pending")
    _patch(rest, manager["access_token"], project, conversation_id, status="snoozed",
           snoozed_until="2099-01-01T00:00:00Z")
    _patch(rest, key, project, conversation_id, status="open")  # an integration reopens
    last = rest.reply(carol, project, conversation_id, "Anything else?")

    widget.wait_for("message:new", lambda m: m["message"]["id"] == last["id"])
    agent.wait_for("message:new", lambda m: m["message"]["id"] == last["id"])
    time.sleep(0.5)  # anything emitted in between has arrived by now

    live = [event["message"] for event in widget.received("message:new")]
    synced = widget.call("sync", {"conversation_id": conversation_id, "after_seq": 0})["messages"]
    for view in (live, synced):
        contents = [m["content"] for m in view]
        assert f"{carol['user']['name']} joined the conversation" in contents
        assert "Hello, Carol here" in contents and "Anything else?" in contents
        assert not [c for c in contents if any(word in c.lower() for word in INTERNAL_WORDS)], contents
        for message in view:
            assert message["private"] is False
            if message["sender_type"] != "visitor":
                assert message["sender_id"] is None
                assert set(message["sender"] or {}) <= {"name", "avatar_url"}

    # Agents still see every workflow line, marked as internal.
    agents_view = rest.request("GET", f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                               manager["access_token"]).json()["items"]
    internal = [m["content"] for m in agents_view if m["sender_type"] == "system" and m["private"]]
    assert any("assigned this conversation" in c for c in internal)
    assert any("pending" in c for c in internal) and any("snoozed" in c for c in internal)
    assert any(c.startswith("An integration reopened") for c in internal)
    assert [m for m in agents_view if m["sender_type"] == "agent"][0]["sender_id"] == carol["user"]["id"]
