"""Rules end to end: a visitor writes over the widget socket, the rule's effect reaches the sockets."""
import uuid

from tests.actions.conftest import eventually


def _send(widget, content: str) -> dict:
    ack = widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": content})
    assert ack["ok"], ack
    return ack["message"]


def _add_template(api, project, manager, key: str) -> dict:
    response = api.post(f"/projects/{project['id']}/action-templates/{key}", json={}, token=manager["access_token"])
    assert response.status_code == 201, response.json
    return response.json


def test_an_auto_reply_reaches_the_widget_when_no_agent_is_online(api, make_widget_project, make_visitor,
                                                                  connect_widget):
    project, manager = make_widget_project()
    _add_template(api, project, manager, "auto_reply_outside_hours")
    widget = connect_widget(project, make_visitor(project))
    sent = _send(widget, "Hello, is anyone there?")

    reply = widget.wait_for("message:new", lambda m: m["message"]["content"].startswith("Thanks for your message"),
                            timeout=30)["message"]
    assert reply["conversation_id"] == sent["conversation_id"]
    assert reply["sender_type"] == "agent" and reply["sender"]["name"] == project["name"]
    assert reply["seq"] == sent["seq"] + 1


def test_no_auto_reply_while_an_agent_is_online(unused_ids, api, make_widget_project, make_visitor,
                                                connect_widget, connect_agent):
    project, manager = make_widget_project()
    rule = _add_template(api, project, manager, "auto_reply_outside_hours")
    agent = connect_agent(manager)
    widget = connect_widget(project, make_visitor(project))
    conversation_id = _send(widget, "Hello?")["conversation_id"]
    agent.wait_for("conversation:created", lambda c: c["conversation"]["id"] == conversation_id)

    runs = eventually(lambda: api.get(f"/projects/{project['id']}/actions/{rule['id']}/runs",
                                      token=manager["access_token"]).json["items"], timeout=30)
    assert runs[0]["matched"] is False
    messages = api.get(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                       token=manager["access_token"]).json["items"]
    assert [m["content"] for m in messages] == ["Hello?"]


def test_round_robin_spreads_new_chats_among_online_agents(unused_ids, api, make_widget_project, make_visitor,
                                                           add_member, connect_widget, connect_agent):
    project, manager = make_widget_project()
    first, second = add_member(project, manager), add_member(project, manager)
    _add_template(api, project, manager, "round_robin_new_chats")
    watcher = connect_agent(first)
    connect_agent(second)

    assignees = []
    for n in range(2):
        widget = connect_widget(project, make_visitor(project))
        conversation_id = _send(widget, f"customer {n}")["conversation_id"]
        update = watcher.wait_for("conversation:updated",
                                  lambda c, cid=conversation_id: c["conversation"]["id"] == cid
                                  and c["conversation"]["assignee_id"], timeout=30)["conversation"]
        assignees.append(update["assignee_id"])
    # The manager is offline; each online agent gets one (fewest open conversations first).
    assert sorted(assignees) == sorted([first["user"]["id"], second["user"]["id"]])


def test_a_keyword_tag_reaches_the_agents(api, make_widget_project, make_visitor, connect_widget, connect_agent):
    project, manager = make_widget_project()
    _add_template(api, project, manager, "tag_billing_questions")
    agent = connect_agent(manager)
    widget = connect_widget(project, make_visitor(project))
    conversation_id = _send(widget, "I was charged twice, I want a refund")["conversation_id"]

    update = agent.wait_for("conversation:updated", lambda c: c["conversation"]["id"] == conversation_id
                            and c["conversation"]["tags"], timeout=30)["conversation"]
    assert update["tags"] == ["billing"]
