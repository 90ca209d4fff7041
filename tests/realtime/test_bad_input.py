"""Bad socket input: error acks, nothing stored, the server unharmed; floods are limited."""
import uuid

import requests


def _stored(rest, manager, project):
    conversations = rest.request("GET", f"/projects/{project['id']}/conversations",
                                 manager["access_token"]).json()["items"]
    return sum(c["last_seq"] for c in conversations)


def test_malformed_sends_get_error_acks_and_store_nothing(make_widget_project, make_visitor, connect_widget, rest,
                                                           live_server):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    cases = [
        (None, "validation_failed"),
        ("just a string", "validation_failed"),
        ([1, 2, 3], "validation_failed"),
        ({"content": "no id"}, "validation_failed"),
        ({"client_msg_id": "x"}, "empty_message"),
        ({"client_msg_id": 5, "content": "wrong type"}, "validation_failed"),
        ({"client_msg_id": "x" * 65, "content": "id too long"}, "validation_failed"),
        ({"client_msg_id": "y", "content": "x" * 5001}, "content_too_long"),
        ({"client_msg_id": "z", "content": "hi", "conversation_id": "abc"}, "validation_failed"),
        ({"client_msg_id": "w", "content": "hi", "conversation_id": 999999}, "conversation_not_found"),
        ({"client_msg_id": "v", "content": "hi", "admin": True}, "validation_failed"),
    ]
    for payload, code in cases:
        ack = widget.call("message:send", payload)
        assert ack["ok"] is False, payload
        assert ack["error"]["code"] == code, (payload, ack)
    assert _stored(rest, manager, project) == 0
    assert widget.call("message:send", {"client_msg_id": "ok", "content": "still works"})["ok"] is True
    assert requests.get(f"{live_server}/readyz", timeout=5).status_code == 200


def test_an_unknown_event_gets_an_error_ack(make_widget_project, make_visitor, connect_widget, make_user,
                                            connect_agent):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    agent = connect_agent(manager)
    for client in (widget, agent):
        ack = client.call("drop:tables", {"x": 1})
        assert ack == {"ok": False, "error": {"code": "unknown_event", "message": "Unknown event 'drop:tables'.",
                                              "details": {}}}
    assert widget.call("sync", {"conversation_id": 1, "after_seq": "zero"})["error"]["code"] == "validation_failed"
    assert agent.call("presence:set", {"status": "sleeping"})["error"]["code"] == "validation_failed"


def test_a_socket_that_keeps_sending_garbage_is_disconnected_with_a_reason(make_widget_project, make_visitor,
                                                                          connect_widget, live_server):
    project, _ = make_widget_project()
    visitor = make_visitor(project)
    widget = connect_widget(project, visitor)
    for n in range(25):
        if not widget.sio.connected:
            break
        try:
            widget.call("nonsense", n, timeout=3)
        except Exception:  # noqa: BLE001 - the server may drop us mid-call
            break
    error = widget.wait_for("error", timeout=10)
    assert error["code"] == "too_many_errors"
    # the server is unharmed: the same visitor reconnects and talks
    again = connect_widget(project, visitor)
    assert again.call("message:send", {"client_msg_id": "after", "content": "back"})["ok"] is True
    assert requests.get(f"{live_server}/readyz", timeout=5).status_code == 200


def test_a_flood_is_rate_limited_and_the_excess_is_not_stored(make_widget_project, make_visitor, connect_widget,
                                                              rest):
    project, manager = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    acks = [widget.call("message:send", {"client_msg_id": uuid.uuid4().hex, "content": f"spam {n}"})
            for n in range(36)]
    accepted = [a for a in acks if a["ok"]]
    limited = [a for a in acks if not a["ok"]]
    assert len(accepted) == 30
    assert limited and all(a["error"]["code"] == "rate_limited" for a in limited)
    assert _stored(rest, manager, project) == 30
