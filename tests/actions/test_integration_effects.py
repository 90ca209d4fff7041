"""The integrations' effects: a rule emails the transcript (to the SMTP sink) and calls a webhook endpoint
(signed per Standard Webhooks, retried, in the delivery log), through the product's own mail and delivery jobs."""
import uuid

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from tests.actions.conftest import eventually

ASKED_FOR_TRANSCRIPT = {
    "name": "Send the transcript when asked",
    "trigger": {"type": "message.created", "sender": "visitor"},
    "conditions": [{"field": "message.content", "operator": "contains", "value": "transcript"}],
    "effects": [{"type": "email_transcript"}],
}

# An endpoint subscribed to an event nothing here causes: a rule's call goes out whatever the endpoint subscribes to.
QUIET = ["conversation.assigned"]


def _runs(api, project, manager, rule) -> list[dict]:
    """The rule's runs once each has matched (a run row is claimed first, and finished after its effects)."""
    def finished():
        items = api.get(f"/projects/{project['id']}/actions/{rule['id']}/runs", token=manager["access_token"]).json
        return items["items"] if items["items"] and all(run["matched"] for run in items["items"]) else None
    return eventually(finished, timeout=30)


def _text(mail) -> str:
    part = next(part for part in mail.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _calling(webhook: dict, **rule) -> dict:
    return {"name": "Tell the CRM about refunds", "trigger": {"type": "message.created", "sender": "visitor"},
            "conditions": [{"field": "message.content", "operator": "contains", "value": "refund"}],
            "effects": [{"type": "call_webhook", "webhook_id": webhook["id"]}], **rule}


def _deliveries(api, project, manager, webhook, count: int) -> list[dict]:
    return eventually(lambda: (lambda items: items if len(items) >= count else None)(
        api.get(f"/projects/{project['id']}/webhooks/{webhook['id']}/deliveries",
                token=manager["access_token"]).json["items"]), timeout=40)


# --- email_transcript ---------------------------------------------------------------

def test_a_rule_emails_the_transcript_to_the_visitor(api, make_widget_project, make_visitor, make_conversation,
                                                      make_rule, smtp_sink, outbox):
    project, manager = make_widget_project(name="Acme")
    rule = make_rule(project, manager, **ASKED_FOR_TRANSCRIPT)
    email = f"ana-{uuid.uuid4().hex[:6]}@example.net"
    visitor = make_visitor(project, name="Ana", email=email)
    make_conversation(project, content="Could you send me a transcript?", visitor=visitor)

    mail = smtp_sink.wait_for(email, timeout=30)  # transcripts on resolve are off: this one is the rule's
    assert mail["Subject"] == "Your conversation with Acme"
    assert "Could you send me a transcript?" in _text(mail)
    [run] = _runs(api, project, manager, rule)
    assert run["matched"] is True and run["effects_done"] == ["email_transcript"] and run["error"] is None


def test_without_the_visitors_email_the_run_says_why_and_the_next_effects_still_run(
        api, make_widget_project, make_conversation, make_rule, smtp_sink, outbox):
    project, manager = make_widget_project()
    rule = make_rule(project, manager, **{**ASKED_FOR_TRANSCRIPT, "effects": [
        {"type": "email_transcript"}, {"type": "add_tag", "tag": "transcript"}]})
    conversation_id, visitor = make_conversation(project, content="transcript please")

    [run] = _runs(api, project, manager, rule)
    assert run["effects_done"] == ["add_tag"]
    assert "effects[0] email_transcript" in run["error"] and "no email address" in run["error"]
    stored = api.get(f"/projects/{project['id']}/actions/{rule['id']}", token=manager["access_token"]).json
    assert "no email address" in stored["last_error"]
    conversation = api.get(f"/projects/{project['id']}/conversations/{conversation_id}",
                           token=manager["access_token"]).json
    assert conversation["tags"] == ["transcript"]


# --- call_webhook ---------------------------------------------------------------------

def test_a_rule_calls_a_webhook_with_a_signed_delivery_in_its_log(api, make_widget_project, make_conversation,
                                                                 make_rule, make_webhook, receiver, outbox):
    project, manager = make_widget_project()
    webhook = make_webhook(project, manager, receiver.url, events=QUIET)
    rule = make_rule(project, manager, **_calling(webhook))
    conversation_id, _ = make_conversation(project, content="I want a refund")

    [request] = receiver.wait_for(1)
    payload = StandardWebhook(webhook["secret"]).verify(request["body"], request["headers"])
    assert payload["type"] == "automation.rule_triggered"
    data = payload["data"]
    assert data["rule"] == {"id": rule["id"], "name": rule["name"]}
    assert data["trigger"] == "message.created"
    assert data["conversation"]["id"] == conversation_id and data["conversation"]["project_id"] == project["id"]
    assert data["message"]["content"] == "I want a refund" and data["message"]["seq"] >= 1
    assert data["visitor"]["id"] == data["conversation"]["visitor_id"]

    [entry] = _deliveries(api, project, manager, webhook, 1)
    assert entry["event_type"] == "automation.rule_triggered"
    assert entry["webhook_message_id"] == request["headers"]["webhook-id"]
    assert entry["is_success"] is True and entry["status_code"] == 200
    [run] = _runs(api, project, manager, rule)
    assert run["effects_done"] == ["call_webhook"] and run["error"] is None


def test_a_failed_call_is_retried_with_the_same_webhook_id(api, make_widget_project, make_conversation, make_rule,
                                                          make_webhook, receiver, outbox):
    project, manager = make_widget_project()
    webhook = make_webhook(project, manager, receiver.url, events=QUIET)
    receiver.script = [(500, {})]
    make_rule(project, manager, **_calling(webhook))
    make_conversation(project, content="refund, please")

    first, second = receiver.wait_for(2, timeout=40)  # the schedule's second attempt comes 5 s later
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert StandardWebhook(webhook["secret"]).verify(second["body"], second["headers"])["type"] == \
        "automation.rule_triggered"
    entries = _deliveries(api, project, manager, webhook, 2)
    assert [(e["attempt"], e["status_code"], e["is_success"]) for e in entries] == [(2, 200, True), (1, 500, False)]


@pytest.mark.parametrize("change, reason", [("disable", "disabled"), ("delete", "no longer an endpoint")])
def test_a_disabled_or_deleted_endpoint_is_not_called_and_the_run_says_why(
        api, make_widget_project, make_conversation, make_rule, make_webhook, receiver, outbox, change, reason):
    project, manager = make_widget_project()
    webhook = make_webhook(project, manager, receiver.url, events=QUIET)
    rule = make_rule(project, manager, **_calling(webhook))
    path = f"/projects/{project['id']}/webhooks/{webhook['id']}"
    if change == "disable":
        assert api.patch(path, json={"enabled": False}, token=manager["access_token"]).status_code == 200
    else:
        assert api.delete(path, token=manager["access_token"]).status_code == 204
    make_conversation(project, content="a refund")

    [run] = _runs(api, project, manager, rule)
    outbox.settle()
    assert run["effects_done"] == [] and reason in run["error"]
    assert receiver.requests == []


def test_a_webhook_of_another_project_is_refused_at_save(api, make_project, make_rule, make_webhook, receiver):
    project, manager = make_project()
    other, other_manager = make_project(name="Other")
    foreign = make_webhook(other, other_manager, receiver.url)
    base = f"/projects/{project['id']}/actions"
    for webhook_id in (foreign["id"], 2**31 - 1):
        response = api.post(base, json=_calling({"id": webhook_id}), token=manager["access_token"])
        assert response.status_code == 422, response.json
        assert response.json["error"]["code"] == "unknown_webhook"
        assert response.json["error"]["details"]["field"] == "effects[0].webhook_id"
    assert api.get(base, token=manager["access_token"]).json["items"] == []

    own = make_webhook(project, manager, receiver.url)
    rule = make_rule(project, manager, **_calling(own))
    assert rule["effects"] == [{"type": "call_webhook", "webhook_id": own["id"]}]
    foreign_call = {"effects": [{"type": "call_webhook", "webhook_id": foreign["id"]}]}
    changed = api.patch(f"{base}/{rule['id']}", json=foreign_call, token=manager["access_token"])
    assert changed.status_code == 422 and changed.json["error"]["details"]["field"] == "effects[0].webhook_id"
    assert api.get(f"{base}/{rule['id']}", token=manager["access_token"]).json["effects"] == rule["effects"]
