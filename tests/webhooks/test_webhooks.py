"""Webhooks: endpoints, Standard Webhooks signatures, retries, 410, rotation, the delivery log, redelivery."""
from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from app.webhooks import service as webhook_service


def _base(project):
    return f"/projects/{project['id']}/webhooks"


def _verify(secret: str, request: dict) -> dict:
    """The official Standard Webhooks library checks the signature (and the timestamp)."""
    return StandardWebhook(secret).verify(request["body"], request["headers"])


def _log(api, project, manager, webhook_id, count, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        items = api.get(f"{_base(project)}/{webhook_id}/deliveries", token=manager["access_token"]).json["items"]
        if len(items) >= count or time.monotonic() > deadline:
            return items
        time.sleep(0.1)


def test_create_shows_the_secret_once(api, make_project, receiver):
    project, manager = make_project()
    created = api.post(_base(project), json={"url": receiver.url, "events": ["message.created"],
                                             "description": "CRM"}, token=manager["access_token"])
    assert created.status_code == 201
    assert created.json["secret"].startswith("whsec_")
    assert created.json["enabled"] is True
    assert created.json["events"] == ["message.created"]
    listed = api.get(_base(project), token=manager["access_token"]).json["items"]
    assert [w["id"] for w in listed] == [created.json["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"{_base(project)}/{created.json['id']}", token=manager["access_token"]).json


@pytest.mark.parametrize("url,reason", [
    ("https://10.0.0.1/hook", "private_address"),
    ("https://169.254.169.254/latest", "metadata_address"),
    ("https://[::ffff:127.0.0.2]/", "loopback_address"),
    ("http://93.184.215.14/hook", "https_required"),
    ("https://93.184.215.14:6379/", "port_not_allowed"),
])
def test_unsafe_urls_are_a_422_naming_the_reason(api, make_project, url, reason):
    project, manager = make_project()
    response = api.post(_base(project), json={"url": url, "events": ["message.created"]}, token=manager["access_token"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "url_not_allowed"
    assert response.json["error"]["details"]["reason"] == reason


def test_unknown_events_are_refused(api, make_project, receiver):
    project, manager = make_project()
    response = api.post(_base(project), json={"url": receiver.url, "events": ["message.exploded"]},
                        token=manager["access_token"])
    assert response.status_code == 400


def test_webhooks_are_for_managers(api, make_project, add_member, receiver):
    project, manager = make_project()
    agent = add_member(project, manager)
    response = api.post(_base(project), json={"url": receiver.url, "events": ["message.created"]},
                        token=agent["access_token"])
    assert response.status_code == 403
    assert api.get(_base(project), token=agent["access_token"]).status_code == 403


def test_a_test_event_is_signed_per_standard_webhooks(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    assert api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"]).status_code == 202
    [request] = receiver.wait_for(1)
    payload = _verify(webhook["secret"], request)
    assert payload["type"] == "webhook.test"
    assert set(payload) == {"type", "timestamp", "data"}
    assert request["headers"]["webhook-id"].startswith("msg_")
    [entry] = _log(api, project, manager, webhook["id"], 1)
    assert entry["is_success"] is True
    assert entry["status_code"] == 200
    assert entry["webhook_message_id"] == request["headers"]["webhook-id"]
    assert entry["response_snippet"] == "ok"


def test_500_then_200_retries_with_the_same_webhook_id(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    receiver.script = [(500, {})]
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    first, second = receiver.wait_for(2, timeout=40)
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    _verify(webhook["secret"], second)
    items = _log(api, project, manager, webhook["id"], 2)
    assert [(i["attempt"], i["status_code"], i["is_success"]) for i in items] == [(2, 200, True), (1, 500, False)]
    assert items[1]["error"] == "HTTP 500"
    assert items[1]["next_retry_at"] is not None
    assert items[0]["delivery_status"] == "succeeded"


def test_410_disables_the_endpoint(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    receiver.script = [(410, {})]
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    receiver.wait_for(1)
    deadline = time.monotonic() + 20
    while api.get(f"{_base(project)}/{webhook['id']}", token=manager["access_token"]).json["enabled"]:
        assert time.monotonic() < deadline, "410 did not disable the webhook"
        time.sleep(0.1)
    shown = api.get(f"{_base(project)}/{webhook['id']}", token=manager["access_token"]).json
    assert "410" in shown["disabled_reason"]
    [entry] = _log(api, project, manager, webhook["id"], 1)
    assert entry["next_retry_at"] is None
    assert entry["delivery_status"] == "failed"


def test_rotation_signs_with_both_secrets_for_a_day(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    rotated = api.post(f"{_base(project)}/{webhook['id']}/rotate-secret", token=manager["access_token"])
    assert rotated.status_code == 200
    new_secret = rotated.json["secret"]
    assert new_secret.startswith("whsec_") and new_secret != webhook["secret"]
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    [request] = receiver.wait_for(1)
    signatures = request["headers"]["webhook-signature"].split(" ")
    assert len(signatures) == 2
    for secret, signature in zip((new_secret, webhook["secret"]), signatures):
        one = dict(request, headers=request["headers"] | {"webhook-signature": signature})
        assert _verify(secret, one)["type"] == "webhook.test"


def test_redeliver_sends_the_same_webhook_id_again(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    receiver.wait_for(1)
    [entry] = _log(api, project, manager, webhook["id"], 1)
    again = api.post(f"{_base(project)}/{webhook['id']}/deliveries/{entry['delivery_id']}/redeliver",
                     token=manager["access_token"])
    assert again.status_code == 202
    first, second = receiver.wait_for(2)
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["body"] == second["body"]
    items = _log(api, project, manager, webhook["id"], 2)
    assert items[0]["is_manual"] is True


def test_a_disabled_endpoint_gets_neither_test_events_nor_redeliveries(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    base, token = f"{_base(project)}/{webhook['id']}", manager["access_token"]
    api.post(f"{base}/test", token=token)
    receiver.wait_for(1)
    [entry] = _log(api, project, manager, webhook["id"], 1)
    assert api.patch(base, json={"enabled": False}, token=token).status_code == 200

    for path in (f"{base}/test", f"{base}/deliveries/{entry['delivery_id']}/redeliver"):
        refused = api.post(path, token=token)
        assert refused.status_code == 409, refused.json
        assert refused.json["error"]["code"] == "endpoint_disabled"
        assert "enable it" in refused.json["error"]["message"]
    time.sleep(1)
    assert len(receiver.requests) == 1
    assert len(_log(api, project, manager, webhook["id"], 1)) == 1

    assert api.patch(base, json={"enabled": True}, token=token).status_code == 200
    assert api.post(f"{base}/deliveries/{entry['delivery_id']}/redeliver", token=token).status_code == 202
    assert len(receiver.wait_for(2)) == 2


def test_a_redelivery_queued_before_the_endpoint_was_disabled_does_not_go_out(app, api, make_project, receiver,
                                                                              make_webhook):
    from app.extensions import db
    from app.webhooks.models import WebhookDelivery

    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    receiver.wait_for(1)
    [entry] = _log(api, project, manager, webhook["id"], 1)
    api.patch(f"{_base(project)}/{webhook['id']}", json={"enabled": False}, token=manager["access_token"])
    with app.app_context():
        webhook_service.attempt(entry["delivery_id"], is_manual=True)  # the job of a redelivery asked for before
        assert db.session.get(WebhookDelivery, entry["delivery_id"]).status == "failed"
        db.session.remove()
    time.sleep(0.5)
    assert len(receiver.requests) == 1


def _outbox_records(app, project_id):
    """The project's outbox rows as the subscriber seam hands them to subscribers."""
    from sqlalchemy import select

    from app.core.models import OutboxEvent
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(select(OutboxEvent).where(OutboxEvent.project_id == project_id)
                                  .order_by(OutboxEvent.id)).all()
        records = [SimpleNamespace(id=r.id, project_id=r.project_id, event_type=r.event_type, payload=r.payload,
                                   created_at=r.created_at) for r in rows]
        db.session.remove()
    return records


def _dispatch(app, records):
    from app.extensions import db

    with app.app_context():
        made = sum(webhook_service.fan_out(record) for record in records)
        db.session.commit()
    return made


def test_events_reach_subscribed_endpoints_from_the_outbox_once(app, api, make_widget_project, make_conversation,
                                                               receiver, make_webhook, live_server):
    """The relay's dispatcher (the live server's loop when embedded, the worker in production) feeds webhooks."""
    project, manager = make_widget_project()
    webhook = make_webhook(project, manager, receiver.url, events=["message.created", "conversation.created"])
    conversation_id, _ = make_conversation(project, content="Where is my order?")
    bodies = [_verify(webhook["secret"], r) for r in receiver.wait_for(2)]
    assert sorted(b["type"] for b in bodies) == ["conversation.created", "message.created"]
    message = next(b for b in bodies if b["type"] == "message.created")["data"]["message"]
    assert message["content"] == "Where is my order?"
    assert message["conversation_id"] == conversation_id
    assert message["seq"] >= 1  # receivers order by seq
    assert _dispatch(app, _outbox_records(app, project["id"])) == 0  # a row dispatched again makes no delivery
    time.sleep(1)
    assert len(receiver.requests) == 2


def test_private_notes_go_only_to_endpoints_that_ask(app, api, make_widget_project, make_conversation, receiver,
                                                    make_webhook, live_server):
    import uuid

    project, manager = make_widget_project()
    public = make_webhook(project, manager, receiver.url + "?public", events=["message.created"])
    conversation_id, _ = make_conversation(project)
    receiver.wait_for(1)  # the visitor's message
    private = make_webhook(project, manager, receiver.url + "?private", events=["message.private_created"])
    api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
             json={"content": "internal: refund approved", "client_msg_id": uuid.uuid4().hex, "private": True},
             token=manager["access_token"])
    request = receiver.wait_for(2)[1]
    assert request["path"].endswith("?private")
    body = _verify(private["secret"], request)
    assert body["type"] == "message.private_created"
    assert body["data"]["message"]["content"] == "internal: refund approved"
    time.sleep(1)
    assert [r["path"].rsplit("?", 1)[1] for r in receiver.requests] == ["public", "private"]
    assert public["id"] != private["id"]


def test_status_and_assignee_changes_become_their_own_events(app, api, make_widget_project, make_visitor, receiver,
                                                           make_webhook, live_server):
    from app.core.db import utcnow

    project, manager = make_widget_project()
    webhook = make_webhook(project, manager, receiver.url,
                           events=["conversation.status_changed", "conversation.assigned", "visitor.created"])
    visitor = make_visitor(project, name="Eve")
    created = _verify(webhook["secret"], receiver.wait_for(1)[0])
    assert created["type"] == "visitor.created"
    assert created["data"]["visitor"]["name"] == "Eve"
    assert created["data"]["visitor"]["id"] == visitor["visitor"]["id"]
    # conversation.updated rows carry {field: [before, after]} of status and assignee
    conversation = {"id": 1, "status": "resolved", "assignee_id": 5, "last_seq": 3}
    updated = SimpleNamespace(id=10**9, project_id=project["id"], event_type="conversation.updated",
                              created_at=utcnow(), payload={"conversation": conversation, "visitor_id": 1,
                                                            "changes": {"status": ["open", "resolved"],
                                                                        "assignee_id": [None, 5]}})
    assert _dispatch(app, [updated]) == 2
    bodies = {b["type"]: b for b in (_verify(webhook["secret"], r) for r in receiver.wait_for(3)[1:])}
    assert set(bodies) == {"conversation.status_changed", "conversation.assigned"}
    assert bodies["conversation.status_changed"]["data"]["changes"]["status"] == ["open", "resolved"]
    assert bodies["conversation.assigned"]["data"]["conversation"]["assignee_id"] == 5


def test_failing_for_five_days_disables_and_mails_managers(app, api, make_project, receiver, make_webhook, smtp_sink):
    from app.core.db import utcnow
    from app.extensions import db
    from app.webhooks.models import Webhook

    project, manager = make_project(name="Failing Co")
    webhook = make_webhook(project, manager, receiver.url)
    with app.app_context():
        db.session.get(Webhook, webhook["id"]).failing_since = utcnow() - timedelta(days=5, minutes=1)
        db.session.commit()
        db.session.remove()
    receiver.script = [(503, {})]
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    deadline = time.monotonic() + 20
    while not any(m["To"] == manager["email"] and "Webhook disabled" in m["Subject"] for m in smtp_sink.messages):
        assert time.monotonic() < deadline, "the managers were not mailed"
        time.sleep(0.05)
    shown = api.get(f"{_base(project)}/{webhook['id']}", token=manager["access_token"]).json
    assert shown["enabled"] is False
    assert "5 days" in shown["disabled_reason"]


def test_retry_schedule_and_retry_after():
    assert webhook_service.RETRY_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    for attempts_made, base in enumerate(webhook_service.RETRY_SCHEDULE):
        delay = webhook_service.next_delay(attempts_made)
        assert base * 0.9 <= delay <= base * 1.1
    assert webhook_service.next_delay(len(webhook_service.RETRY_SCHEDULE)) is None
    assert webhook_service.next_delay(1, retry_after=120) == 120  # Retry-After longer than 5 s wins


def test_retry_after_is_honoured(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    receiver.script = [(429, {"Retry-After": "3600"})]
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    receiver.wait_for(1)
    [entry] = _log(api, project, manager, webhook["id"], 1)
    from datetime import datetime

    wait = datetime.fromisoformat(entry["next_retry_at"]) - datetime.fromisoformat(entry["created_at"])
    assert wait >= timedelta(minutes=59)
    assert entry["delivery_status"] == "retrying"


def test_another_tenant_gets_404(api, make_project, receiver, make_webhook):
    project, manager = make_project()
    _, stranger = make_project(name="Other")
    webhook = make_webhook(project, manager, receiver.url)
    base = f"{_base(project)}/{webhook['id']}"
    for method, path in (("GET", _base(project)), ("POST", _base(project)), ("GET", base), ("PATCH", base),
                         ("DELETE", base), ("POST", base + "/rotate-secret"), ("POST", base + "/test"),
                         ("GET", base + "/deliveries"), ("POST", base + "/deliveries/1/redeliver")):
        assert api.request(method, path, json={}, token=stranger["access_token"]).status_code == 404, (method, path)
    own, own_manager = make_project(name="Third")
    assert api.get(f"{_base(own)}/{webhook['id']}", token=own_manager["access_token"]).status_code == 404


def test_a_delivery_whose_job_was_lost_is_sent_again_with_the_same_webhook_id(app, api, make_project, receiver,
                                                                              make_webhook):
    """A worker killed mid-delivery leaves the row pending with its time passed; the periodic sweep resumes it."""
    from app.core.db import utcnow
    from app.extensions import db
    from app.webhooks.models import Webhook

    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    with app.app_context():
        hook = db.session.get(Webhook, webhook["id"])
        lost = webhook_service._new_delivery(hook, "webhook.test", {"lost": True}, None, utcnow())
        lost.next_attempt_at = utcnow() - timedelta(minutes=5)  # as a killed worker leaves it: no job queued
        db.session.commit()
        message_id = lost.message_id
        db.session.remove()
    with app.app_context():
        webhook_service.resume_stuck()  # the periodic sweep's job (the servers' own sweep may be first)
        db.session.remove()
    [request] = receiver.wait_for(1)
    assert request["headers"]["webhook-id"] == message_id
    assert _verify(webhook["secret"], request)["data"] == {"lost": True}
    with app.app_context():
        db.session.remove()
    [entry] = _log(api, project, manager, webhook["id"], 1)
    assert entry["delivery_status"] == "succeeded"


def test_the_delivery_log_keeps_30_days(app, api, make_project, receiver, make_webhook):
    from app.core.db import utcnow
    from app.extensions import db
    from app.webhooks.models import Webhook, WebhookDelivery

    project, manager = make_project()
    webhook = make_webhook(project, manager, receiver.url)
    with app.app_context():
        hook = db.session.get(Webhook, webhook["id"])
        old = webhook_service._new_delivery(hook, "webhook.test", {}, None, utcnow())
        old.created_at, old.status, old.next_attempt_at = utcnow() - timedelta(days=31), "succeeded", None
        recent = webhook_service._new_delivery(hook, "webhook.test", {}, None, utcnow())
        recent.created_at, recent.status, recent.next_attempt_at = utcnow() - timedelta(days=29), "succeeded", None
        db.session.commit()
        old_id, recent_id = old.id, recent.id
        db.session.remove()
    api.post(f"{_base(project)}/{webhook['id']}/test", token=manager["access_token"])
    receiver.wait_for(1)
    _log(api, project, manager, webhook["id"], 1)
    with app.app_context():
        deadline = time.monotonic() + 10
        while db.session.get(WebhookDelivery, old_id) is not None and time.monotonic() < deadline:
            db.session.remove()
            time.sleep(0.1)
        assert db.session.get(WebhookDelivery, old_id) is None
        assert db.session.get(WebhookDelivery, recent_id) is not None
        db.session.remove()
