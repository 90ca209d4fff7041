"""Membership changes reach open sockets at once."""
import time
import uuid


def test_a_removed_member_stops_hearing_the_project_at_once(make_widget_project, make_visitor, connect_widget,
                                                             connect_agent, add_member, rest):
    project, manager = make_widget_project()
    agent = add_member(project, manager, "AGENT")
    agent_socket = connect_agent(agent)
    widget = connect_widget(project, make_visitor(project))
    first = widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": "before"})["message"]
    agent_socket.wait_for("message:new", lambda m: m["message"]["id"] == first["id"])

    removed = rest.request(
        "DELETE", f"/projects/{project['id']}/members/{agent['user']['id']}", manager["access_token"]
    )
    assert removed.status_code == 204
    deadline = time.monotonic() + 10
    while agent_socket.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not agent_socket.sio.connected

    # Reconnecting, the former member joins only the projects it still has.
    again = connect_agent(agent)
    second = widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": "after"})["message"]
    manager_socket = connect_agent(manager)
    rest.reply(manager, project, second["conversation_id"], "still here")
    manager_socket.wait_for("message:new", lambda m: m["message"]["content"] == "still here")
    time.sleep(0.3)
    assert again.received("message:new") == []
    assert [m["message"]["id"] for m in agent_socket.received("message:new")] == [first["id"]]
