"""The engine through its public seams: outbox records in, effects observed through the API."""
from tests.actions.conftest import eventually


def _conversation(api, project, manager, conversation_id):
    return api.get(f"/projects/{project['id']}/conversations/{conversation_id}", token=manager["access_token"]).json


def _messages(api, project, manager, conversation_id):
    return api.get(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                   token=manager["access_token"]).json["items"]


def _runs(api, project, manager, rule):
    return api.get(f"/projects/{project['id']}/actions/{rule['id']}/runs", token=manager["access_token"]).json["items"]


def _rule(api, project, manager, rule):
    return api.get(f"/projects/{project['id']}/actions/{rule['id']}", token=manager["access_token"]).json


def test_a_keyword_tags_the_conversation_through_the_outbox(api, make_widget_project, make_rule, make_conversation,
                                                            outbox):
    project, manager = make_widget_project()
    rule = make_rule(project, manager)
    tagged, _ = make_conversation(project, "Hello, where is my INVOICE for March?")
    untouched, _ = make_conversation(project, "Do you ship to Norway?")
    outbox.settle()

    eventually(lambda: "billing" in _conversation(api, project, manager, tagged)["tags"])
    runs = eventually(lambda: len(_runs(api, project, manager, rule)) == 2 and _runs(api, project, manager, rule))
    by_conversation = {run["conversation_id"]: run for run in runs}
    assert by_conversation[tagged]["matched"] is True
    assert by_conversation[tagged]["effects_done"] == ["add_tag"]
    assert by_conversation[tagged]["event_type"] == "message.created"
    assert by_conversation[untouched]["matched"] is False
    assert _conversation(api, project, manager, untouched)["tags"] == []
    stored = _rule(api, project, manager, rule)
    assert stored["run_count"] == 1 and stored["last_run_at"] is not None


def test_words_match_whole_words_only(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    make_rule(project, manager)
    conversation_id, _ = make_conversation(project, "Our refunded order arrived")  # "refunded" is not "refund"
    outbox.settle()
    assert _conversation(api, project, manager, conversation_id)["tags"] == []


def test_sql_in_a_condition_value_is_just_text(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    payload = "'; DROP TABLE messages; --"
    make_rule(project, manager, conditions=[
        {"field": "message.content", "operator": "contains", "value": payload},
        {"field": "message.content", "operator": "starts_with", "value": payload},
    ], effects=[{"type": "add_tag", "tag": "suspicious"}])
    plain, _ = make_conversation(project, "drop the table please")
    literal, _ = make_conversation(project, payload + " hello")
    outbox.settle()

    assert _conversation(api, project, manager, literal)["tags"] == ["suspicious"]
    assert _conversation(api, project, manager, plain)["tags"] == []
    assert [m["content"] for m in _messages(api, project, manager, literal)] == [payload + " hello"]


def test_a_rule_is_not_triggered_by_its_own_effects(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, name="echo", trigger={"type": "message.created", "sender": "any"},
                     conditions=[], effects=[{"type": "send_message", "content": "We got your message."}])
    conversation_id, _ = make_conversation(project, "hi")
    # Its own message is a message.created too: the rule does not run on it.
    outbox.settle()
    contents = [m["content"] for m in _messages(api, project, manager, conversation_id)]
    assert contents == ["hi", "We got your message."]
    assert _rule(api, project, manager, rule)["run_count"] == 1


def test_two_rules_feeding_each_other_stop(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    for name in ("ping", "pong"):
        make_rule(project, manager, name=name, trigger={"type": "message.created", "sender": "any"}, conditions=[],
                  effects=[{"type": "send_message", "content": name}])
    conversation_id, _ = make_conversation(project, "hi")
    outbox.settle()
    # ping and pong answer the visitor, then each other's answer once; a chain never revisits a rule.
    contents = [m["content"] for m in _messages(api, project, manager, conversation_id)]
    assert sorted(contents) == sorted(["hi", "ping", "pong", "ping", "pong"])


def test_a_retried_job_does_not_repeat_effects(app, api, make_widget_project, make_rule, make_conversation, outbox):
    from sqlalchemy import select

    from app.actions import engine, jobs
    from app.core.models import OutboxEvent
    from app.extensions import db

    project, manager = make_widget_project()
    rule = make_rule(project, manager, conditions=[],
                     effects=[{"type": "send_message", "content": "Thanks!"}, {"type": "add_tag", "tag": "seen"}])
    conversation_id, _ = make_conversation(project, "hello")
    outbox.settle()  # the job ran once through the outbox
    with app.app_context():
        record = db.session.scalar(select(OutboxEvent).where(OutboxEvent.event_type == "message.created")
                                   .order_by(OutboxEvent.id).limit(1))
        events = [e.as_dict() for e in engine.events_from_record(record.id, record.project_id, record.event_type,
                                                                record.payload)]
        assert jobs.run_events(events) == 0  # the same job again, as RQ would retry it
        db.session.remove()
    outbox.settle()
    assert [m["content"] for m in _messages(api, project, manager, conversation_id)].count("Thanks!") == 1
    assert len(_runs(api, project, manager, rule)) == 1
    assert _rule(api, project, manager, rule)["run_count"] == 1


def test_a_failing_effect_is_logged_and_the_others_still_run(api, make_widget_project, make_rule, make_conversation,
                                                             outbox):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, conditions=[], effects=[
        {"type": "assign", "strategy": "round_robin"},  # nobody is online
        {"type": "add_tag", "tag": "triaged"},
    ])
    conversation_id, _ = make_conversation(project, "hello")
    outbox.settle()

    assert _conversation(api, project, manager, conversation_id)["tags"] == ["triaged"]
    stored = _rule(api, project, manager, rule)
    assert stored["run_count"] == 1
    assert "effects[0] assign" in stored["last_error"] and stored["last_error_at"]
    [run] = _runs(api, project, manager, rule)
    assert run["matched"] is True and run["effects_done"] == ["add_tag"] and "round-robin" in run["error"]


def test_effects_run_in_order_with_variables(api, make_widget_project, make_rule, make_conversation, make_visitor,
                                             outbox):
    project, manager = make_widget_project()
    make_rule(project, manager, trigger={"type": "conversation.created"}, conditions=[], effects=[
        {"type": "send_message", "content": "Hi {{visitor.name}}, welcome to {{project.name}}!"},
        {"type": "send_note", "content": "Greeted automatically."},
        {"type": "set_priority", "priority": "high"},
        {"type": "set_status", "status": "pending"},
    ])
    visitor = make_visitor(project, name="Ada")
    conversation_id, _ = make_conversation(project, "hello", visitor=visitor)
    outbox.settle()

    messages = _messages(api, project, manager, conversation_id)
    greeting = next(m for m in messages if m["content"].startswith("Hi "))
    assert greeting["content"] == "Hi Ada, welcome to Acme!"
    assert greeting["sender_type"] == "agent" and greeting["private"] is False and greeting["sender"]["name"] == "Acme"
    note = next(m for m in messages if m["content"] == "Greeted automatically.")
    assert note["private"] is True
    conversation = _conversation(api, project, manager, conversation_id)
    assert conversation["priority"] == "high" and conversation["status"] == "pending"
    # An automated message is no agent's first response.
    assert conversation["first_response_at"] is None


def test_status_change_and_assignment_triggers(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    make_rule(project, manager, name="on resolve", trigger={"type": "conversation.status_changed"},
              conditions=[{"field": "conversation.status", "operator": "equals", "value": "resolved"}],
              effects=[{"type": "add_tag", "tag": "closed"}])
    make_rule(project, manager, name="on assign", trigger={"type": "conversation.assigned"}, conditions=[],
              effects=[{"type": "set_priority", "priority": "high"}])
    conversation_id, _ = make_conversation(project, "hello")
    path = f"/projects/{project['id']}/conversations/{conversation_id}"
    api.patch(path, json={"assignee_id": manager["user"]["id"]}, token=manager["access_token"])
    outbox.settle()
    assert _conversation(api, project, manager, conversation_id)["priority"] == "high"
    assert _conversation(api, project, manager, conversation_id)["tags"] == []
    api.patch(path, json={"status": "resolved"}, token=manager["access_token"])
    outbox.settle()
    assert _conversation(api, project, manager, conversation_id)["tags"] == ["closed"]


def test_visitor_identified_trigger(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    make_rule(project, manager, name="known", trigger={"type": "visitor.identified"},
              conditions=[{"field": "visitor.email", "operator": "contains", "value": "@bigcorp.example"}],
              effects=[{"type": "add_tag", "tag": "bigcorp"}])
    conversation_id, visitor = make_conversation(project, "hello")
    outbox.settle()
    api.patch(f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}", json={"email": "ann@bigcorp.example"},
              token=manager["access_token"])
    outbox.settle()
    assert _conversation(api, project, manager, conversation_id)["tags"] == ["bigcorp"]


def test_disabled_rules_do_not_run(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, enabled=False)
    conversation_id, _ = make_conversation(project, "my invoice")
    outbox.settle()
    assert _conversation(api, project, manager, conversation_id)["tags"] == []
    assert _runs(api, project, manager, rule) == []


def test_other_projects_rules_do_not_run(api, make_widget_project, make_rule, make_conversation, outbox):
    project_a, manager_a = make_widget_project(name="A")
    project_b, manager_b = make_widget_project(name="B")
    rule_a = make_rule(project_a, manager_a)
    conversation_b, _ = make_conversation(project_b, "my invoice please")
    outbox.settle()
    assert _conversation(api, project_b, manager_b, conversation_b)["tags"] == []
    assert _runs(api, project_a, manager_a, rule_a) == []


def test_a_chain_of_rules_stops_after_three_hops(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    for name in ("a", "b", "c", "d"):
        make_rule(project, manager, name=name, trigger={"type": "message.created", "sender": "any"}, conditions=[],
                  effects=[{"type": "send_note", "content": name}])
    conversation_id, _ = make_conversation(project, "hi")
    outbox.settle()
    # Hop 1: each rule answers the visitor; hop 2: each answer triggers the three others; hop 3: each of
    # those the two rules not yet in its chain. Events caused at hop 3 trigger nothing.
    notes = [m for m in _messages(api, project, manager, conversation_id) if m["private"]]
    assert len(notes) == 4 + 12 + 24


def test_rules_for_agent_messages_ignore_automated_ones(api, make_widget_project, make_rule, make_conversation, outbox):
    project, manager = make_widget_project()
    make_rule(project, manager, name="greet", trigger={"type": "conversation.created"}, conditions=[],
              effects=[{"type": "send_message", "content": "Hello from the bot"}])
    make_rule(project, manager, name="agent answered", trigger={"type": "message.created", "sender": "agent"},
              conditions=[], effects=[{"type": "set_status", "status": "pending"}])
    conversation_id, _ = make_conversation(project, "hi")
    outbox.settle()
    outbox.settle()
    path = f"/projects/{project['id']}/conversations/{conversation_id}"
    assert api.get(path, token=manager["access_token"]).json["status"] == "open"
    api.post(
        f"{path}/messages", json={"content": "A person here", "client_msg_id": "p1"}, token=manager["access_token"]
    )
    outbox.settle()
    assert api.get(path, token=manager["access_token"]).json["status"] == "pending"
