"""Time-based triggers: the periodic tick with the engine's clock moved forward (no sleeping)."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.actions.conftest import eventually


@pytest.fixture
def tick(app):
    """Run the periodic job as if `seconds` had passed; the clock is put back afterwards."""
    from app.actions import jobs
    from app.extensions import db

    def run(seconds: float) -> int:
        app.config["ACTIONS_CLOCK_OFFSET_SECONDS"] = seconds
        try:
            with app.app_context():
                count = jobs.tick()
                db.session.remove()
            return count
        finally:
            app.config["ACTIONS_CLOCK_OFFSET_SECONDS"] = 0

    return run


def _get(api, project, manager, path):
    return api.get(f"/projects/{project['id']}{path}", token=manager["access_token"]).json


ESCALATE = {
    "name": "Escalate",
    "trigger": {"type": "no_agent_reply", "minutes": 1},
    "conditions": [],
    "effects": [{"type": "set_priority", "priority": "urgent"}, {"type": "send_note", "content": "Nobody answered."}],
}


def test_no_agent_reply_fires_once_after_the_delay(api, make_widget_project, make_rule, make_conversation, outbox,
                                                   tick):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, **ESCALATE)
    conversation_id, _ = make_conversation(project, "anyone there?")
    outbox.settle()

    assert tick(30) == 0  # not yet due
    assert tick(61) == 1
    assert tick(90) == 0  # the same wait never fires twice
    assert tick(600) == 0
    conversation = _get(api, project, manager, f"/conversations/{conversation_id}")
    assert conversation["priority"] == "urgent"
    notes = [m for m in _get(api, project, manager, f"/conversations/{conversation_id}/messages")["items"]
             if m["content"] == "Nobody answered."]
    assert len(notes) == 1 and notes[0]["private"] is True
    runs = _get(api, project, manager, f"/actions/{rule['id']}/runs")["items"]
    assert [(r["event_type"], r["conversation_id"], r["matched"]) for r in runs] == [
        ("no_agent_reply", conversation_id, True)]


def test_no_agent_reply_does_not_fire_when_an_agent_answered(api, make_widget_project, make_rule, make_conversation,
                                                              outbox, tick):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, **ESCALATE)
    conversation_id, _ = make_conversation(project, "anyone there?")
    outbox.settle()
    reply = api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                     json={"content": "Yes, hello!", "client_msg_id": "r1"}, token=manager["access_token"])
    assert reply.status_code == 201
    outbox.settle()

    assert tick(120) == 0
    assert _get(api, project, manager, f"/conversations/{conversation_id}")["priority"] == "normal"
    assert _get(api, project, manager, f"/actions/{rule['id']}/runs")["items"] == []


def test_an_answer_the_timer_has_not_seen_yet_still_counts(api, make_widget_project, make_rule, make_conversation,
                                                            outbox, tick):
    project, manager = make_widget_project()
    make_rule(project, manager, **ESCALATE)
    conversation_id, _ = make_conversation(project, "anyone there?")
    outbox.settle()
    api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
             json={"content": "Here!", "client_msg_id": "r1"}, token=manager["access_token"])
    # The reply's outbox record is not dispatched yet: the tick re-checks the messages themselves.
    assert tick(120) == 0


def test_a_new_visitor_message_after_an_answer_starts_a_new_wait(api, make_widget_project, make_rule,
                                                                 make_conversation, outbox, tick, app):
    from app.extensions import db
    from app.inbox import service as inbox
    from app.inbox.schemas import WidgetMessageCreate

    project, manager = make_widget_project()
    rule = make_rule(project, manager, **{**ESCALATE, "effects": [{"type": "add_tag", "tag": "late"}]})
    conversation_id, visitor = make_conversation(project, "first question")
    outbox.settle()
    assert tick(61) == 1
    api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
             json={"content": "answer", "client_msg_id": "r1"}, token=manager["access_token"])
    with app.app_context():
        inbox.send_visitor_message(visitor["visitor"]["id"], WidgetMessageCreate(
            content="second question", client_msg_id="v2", conversation_id=conversation_id))
        db.session.remove()
    outbox.settle()
    assert tick(200) == 1
    assert len(_get(api, project, manager, f"/actions/{rule['id']}/runs")["items"]) == 2


def test_first_response_only_ignores_later_waits(api, make_widget_project, make_rule, make_conversation, outbox, tick,
                                                 app):
    from app.extensions import db
    from app.inbox import service as inbox
    from app.inbox.schemas import WidgetMessageCreate

    project, manager = make_widget_project()
    make_rule(project, manager, **{**ESCALATE, "trigger": {"type": "no_agent_reply", "minutes": 1,
                                                          "first_response_only": True}})
    conversation_id, visitor = make_conversation(project, "first question")
    api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
             json={"content": "answer", "client_msg_id": "r1"}, token=manager["access_token"])
    with app.app_context():
        inbox.send_visitor_message(visitor["visitor"]["id"], WidgetMessageCreate(
            content="second question", client_msg_id="v2", conversation_id=conversation_id))
        db.session.remove()
    outbox.settle()
    assert tick(120) == 0


def test_no_visitor_reply_fires_after_an_unanswered_agent_reply(api, make_widget_project, make_rule,
                                                                 make_conversation, outbox, tick):
    project, manager = make_widget_project()
    make_rule(project, manager, name="Nudge", trigger={"type": "no_visitor_reply", "minutes": 10}, conditions=[],
              effects=[{"type": "send_message", "content": "Is there anything else we can help with?"}])
    conversation_id, _ = make_conversation(project, "question")
    api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
             json={"content": "Here is the answer.", "client_msg_id": "r1"}, token=manager["access_token"])
    outbox.settle()
    assert tick(5 * 60) == 0
    assert tick(11 * 60) == 1
    contents = [
        m["content"] for m in _get(api, project, manager, f"/conversations/{conversation_id}/messages")["items"]
    ]
    assert contents[-1] == "Is there anything else we can help with?"


def test_a_snoozed_conversation_that_wakes_up_triggers_its_rule(api, make_widget_project, make_rule,
                                                                make_conversation, outbox, tick):
    project, manager = make_widget_project()
    make_rule(project, manager, name="Woke", trigger={"type": "conversation.woke_up"}, conditions=[],
              effects=[{"type": "add_tag", "tag": "follow-up"}])
    conversation_id, _ = make_conversation(project, "remind me later")
    until = (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat()
    snoozed = api.patch(f"/projects/{project['id']}/conversations/{conversation_id}",
                        json={"status": "snoozed", "snoozed_until": until}, token=manager["access_token"])
    assert snoozed.status_code == 200
    tick(31 * 60)  # the tick wakes it on the engine's clock
    conversation = _get(api, project, manager, f"/conversations/{conversation_id}")
    assert conversation["status"] == "open"
    outbox.settle()
    eventually(lambda: _get(api, project, manager, f"/conversations/{conversation_id}")["tags"] == ["follow-up"])


def test_runs_older_than_thirty_days_are_pruned(api, make_widget_project, make_rule, make_conversation, outbox, tick):
    project, manager = make_widget_project()
    rule = make_rule(project, manager)
    make_conversation(project, "my invoice")
    outbox.settle()
    assert len(_get(api, project, manager, f"/actions/{rule['id']}/runs")["items"]) == 1
    tick(29 * 24 * 3600)
    assert len(_get(api, project, manager, f"/actions/{rule['id']}/runs")["items"]) == 1
    tick(31 * 24 * 3600)
    assert _get(api, project, manager, f"/actions/{rule['id']}/runs")["items"] == []
    assert _get(api, project, manager, f"/actions/{rule['id']}")["run_count"] == 1  # the count stays
