"""Webhooks: endpoints, the outbox fan-out into deliveries, and one delivery attempt.

Retry schedule (delay before each attempt): immediately, 5 s, 5 min, 30 min,
2 h, 5 h, 10 h, 10 h, each with ±10 % jitter; a longer `Retry-After` wins.
Only a 2xx answer is a success, redirects are not followed, `410 Gone`
disables the endpoint at once, and an endpoint failing for five days straight
is disabled and its project's managers are mailed.
"""
from __future__ import annotations

import json
import logging
import random
import time
import uuid
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core import metrics, outbound
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.core.jobs import enqueue
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.projects.models import Project, ProjectMember
from app.rbac.roles import Role
from app.webhooks import signing
from app.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from app.webhooks.schemas import WebhookCreate, WebhookUpdate

log = logging.getLogger(__name__)

RETRY_SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
JITTER = 0.1
MAX_RETRY_AFTER = 24 * 3600
FAILING_DAYS_BEFORE_DISABLE = 5
RETENTION_DAYS = 30
ROTATION_GRACE = timedelta(hours=24)
SNIPPET_BYTES = 1024
JOB = "app.webhooks.jobs.attempt_delivery"

# Outbox rows whose type a webhook event of the same name reports as is.
_PASS_THROUGH = {"conversation.created", "conversation.updated", "conversation.status_changed",
                 "conversation.assigned", "visitor.created", "visitor.updated"}
# conversation.updated rows carry `changes: {field: [before, after]}`; these fields make a finer event too.
_CHANGE_EVENTS = {"status": "conversation.status_changed", "assignee_id": "conversation.assigned"}


# --- endpoints ------------------------------------------------------------------

def list_webhooks(project: Project, page: PageQuery) -> tuple[list[Webhook], str | None]:
    """The project's endpoints, newest first."""
    return paginate(scoped(Webhook, project.id), (Webhook.id,), page)


def get_webhook(project: Project, webhook_id: int) -> Webhook:
    """An endpoint of the project, or 404."""
    return get_or_404(Webhook, webhook_id, project.id)


def create_webhook(project: Project, data: WebhookCreate) -> Webhook:
    """Register an endpoint after the SSRF check of its URL (422 with the reason). Commits."""
    outbound.validate_url(data.url)
    webhook = Webhook(project_id=project.id, url=data.url, events=data.events, description=data.description,
                      enabled=True, secret=signing.new_secret())
    db.session.add(webhook)
    db.session.commit()
    return webhook


def update_webhook(project: Project, webhook_id: int, data: WebhookUpdate) -> Webhook:
    """Change the URL (checked again), events, description or enabled state. Commits."""
    webhook = get_webhook(project, webhook_id)
    if data.url is not None:
        outbound.validate_url(data.url)
        webhook.url = data.url
    if data.events is not None:
        webhook.events = data.events
    if "description" in data.model_fields_set:
        webhook.description = data.description
    if data.enabled is not None:
        webhook.enabled = data.enabled
        if data.enabled:
            webhook.disabled_reason = None
            webhook.failing_since = None
    db.session.commit()
    return webhook


def delete_webhook(project: Project, webhook_id: int) -> None:
    """Remove an endpoint and its delivery log. Commits."""
    db.session.delete(get_webhook(project, webhook_id))
    db.session.commit()


def rotate_secret(project: Project, webhook_id: int) -> Webhook:
    """A new secret; the old one stays valid (and signs too) for 24 hours. Commits."""
    webhook = get_webhook(project, webhook_id)
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_expires_at = utcnow() + ROTATION_GRACE
    webhook.secret = signing.new_secret()
    db.session.commit()
    return webhook


def secrets_in_use(webhook: Webhook, now: datetime | None = None) -> list[str]:
    """The current secret, then the previous one while its grace period lasts."""
    now = now or utcnow()
    in_use = [webhook.secret]
    if webhook.previous_secret and webhook.previous_secret_expires_at and webhook.previous_secret_expires_at > now:
        in_use.append(webhook.previous_secret)
    return in_use


# --- from events to deliveries ----------------------------------------------------

def webhook_event_types(event_type: str, payload: dict) -> list[str]:
    """The webhook events an outbox row is reported as (none when webhooks never hear it)."""
    if event_type == "message.created":
        return ["message.private_created" if payload.get("message", {}).get("private") else "message.created"]
    if event_type not in _PASS_THROUGH:
        return []
    found = [event_type]
    if event_type in ("conversation.updated", "conversation.created"):
        changes = payload.get("changes") or {}
        found += [name for field, name in _CHANGE_EVENTS.items() if field in changes and name != event_type]
    return found


def _data(payload: dict) -> dict:
    # The widget's own view of a conversation is an internal detail of the socket fan-out.
    return {key: value for key, value in payload.items() if key != "widget_conversation"}


def _new_delivery(webhook: Webhook, event_type: str, data: dict, event_id: int | None,
                  occurred_at: datetime) -> WebhookDelivery:
    body = json.dumps({"type": event_type, "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
                       "data": data}, separators=(",", ":"), sort_keys=True)
    delivery = WebhookDelivery(project_id=webhook.project_id, webhook_id=webhook.id, event_id=event_id,
                               message_id="msg_" + uuid.uuid4().hex, event_type=event_type, body=body,
                               status="pending", attempts=0, next_attempt_at=utcnow())
    db.session.add(delivery)
    return delivery


def fan_out(record) -> int:
    """Outbox subscriber: one delivery per subscribed, enabled endpoint, its first attempt queued.

    Runs inside the dispatcher's transaction (it commits); a row dispatched twice
    makes no second delivery. Returns how many deliveries were made.
    """
    event_types = webhook_event_types(record.event_type, record.payload)
    if not event_types:
        return 0
    webhooks = db.session.scalars(scoped(Webhook, record.project_id).where(Webhook.enabled.is_(True))).all()
    made = 0
    for webhook in webhooks:
        for event_type in event_types:
            if event_type not in webhook.events:
                continue
            exists = db.session.scalar(select(WebhookDelivery.id).where(
                WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.event_id == record.id,
                WebhookDelivery.event_type == event_type))
            if exists:
                continue
            try:
                with db.session.begin_nested():  # a concurrent dispatch of the same row may have won
                    delivery = _new_delivery(webhook, event_type, _data(record.payload), record.id,
                                             record.created_at)
            except IntegrityError:
                continue
            enqueue(JOB, delivery.id, queue="webhooks")
            made += 1
    return made


def _require_enabled(webhook: Webhook) -> None:
    """A disabled endpoint is sent nothing, by hand or not: 409 `endpoint_disabled` until a manager enables it."""
    if not webhook.enabled:
        reason = f" ({webhook.disabled_reason})" if webhook.disabled_reason else ""
        raise Conflict(f"This webhook endpoint is disabled{reason}; enable it before sending to it.",
                       code="endpoint_disabled", details={"webhook_id": webhook.id})


def _queue(webhook: Webhook, event_type: str, data: dict) -> WebhookDelivery:
    """A delivery of an event made now (no outbox row), its first attempt queued. Commits."""
    delivery = _new_delivery(webhook, event_type, data, None, utcnow())
    db.session.flush()
    enqueue(JOB, delivery.id, queue="webhooks")
    db.session.commit()
    return delivery


def send_test_event(project: Project, webhook_id: int) -> WebhookDelivery:
    """Queue a `webhook.test` delivery to an enabled endpoint (409 `endpoint_disabled` otherwise). Commits."""
    webhook = get_webhook(project, webhook_id)
    _require_enabled(webhook)
    return _queue(webhook, "webhook.test", {"webhook_id": webhook.id, "project_id": project.id})


def send_event(project: Project, webhook_id: int, event_type: str, data: dict) -> WebhookDelivery:
    """Queue one event to one endpoint of the project, whatever it subscribes to (an automation rule's call).

    Signed, retried and logged like every delivery; 404 for an endpoint that is not the project's,
    409 `endpoint_disabled` for a disabled one. Commits.
    """
    webhook = get_webhook(project, webhook_id)
    _require_enabled(webhook)
    return _queue(webhook, event_type, data)


def redeliver(project: Project, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again now, with the same `webhook-id`, whatever its state; refused (409
    `endpoint_disabled`) while the endpoint is disabled. Commits."""
    webhook = get_webhook(project, webhook_id)
    delivery = db.session.scalar(scoped(WebhookDelivery, project.id).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook.id))
    if delivery is None:
        raise NotFound("This delivery does not exist.")
    _require_enabled(webhook)
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    enqueue(JOB, delivery.id, True, queue="webhooks")
    db.session.commit()
    return delivery


def delivery_log(project: Project, webhook_id: int, page: PageQuery) -> tuple[list[dict], str | None]:
    """Every attempt to the endpoint, newest first, with its delivery's event and `webhook-id`."""
    webhook = get_webhook(project, webhook_id)
    rows, next_cursor = paginate(scoped(WebhookAttempt, project.id).where(WebhookAttempt.webhook_id == webhook.id),
                                 (WebhookAttempt.id,), page)
    deliveries = {d.id: d for d in db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.id.in_({row.delivery_id for row in rows})))}
    items = []
    for row in rows:
        delivery = deliveries[row.delivery_id]
        items.append({
            "id": row.id, "delivery_id": row.delivery_id, "attempt": row.attempt, "event_type": delivery.event_type,
            "event_id": delivery.event_id, "webhook_message_id": delivery.message_id, "is_success": row.is_success,
            "status_code": row.status_code, "duration_ms": row.duration_ms, "response_snippet": row.response_snippet,
            "error": row.error, "next_retry_at": row.next_retry_at, "is_manual": row.is_manual,
            "delivery_status": delivery.status, "created_at": row.created_at,
        })
    return items, next_cursor


# --- one attempt ----------------------------------------------------------------------

def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return min(float(value), MAX_RETRY_AFTER)
    except ValueError:
        try:
            return min(max((parsedate_to_datetime(value) - utcnow()).total_seconds(), 0), MAX_RETRY_AFTER)
        except (TypeError, ValueError):
            return None


def next_delay(attempts_made: int, retry_after: float | None = None) -> float | None:
    """Seconds before the next attempt after `attempts_made` attempts, or None when the schedule is spent."""
    if attempts_made >= len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempts_made]
    delay = base * random.uniform(1 - JITTER, 1 + JITTER)
    return max(delay, retry_after or 0)


def _post(webhook: Webhook, delivery: WebhookDelivery) -> tuple[requests.Response | None, int, str | None]:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "LiveChat-Webhooks/1.0",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(secrets_in_use(webhook), delivery.message_id, timestamp,
                                                      delivery.body),
    }
    started = time.monotonic()
    try:
        with outbound.session() as http:
            response = http.post(webhook.url, data=delivery.body.encode(), headers=headers, allow_redirects=False,
                                 timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"], stream=True)
            response._content = response.raw.read(SNIPPET_BYTES, decode_content=True) or b""
            response.close()
        return response, int((time.monotonic() - started) * 1000), None
    except outbound.OutboundRefused as refused:
        return None, int((time.monotonic() - started) * 1000), f"refused: {refused.message}"
    except requests.RequestException as error:
        return None, int((time.monotonic() - started) * 1000), f"{type(error).__name__}: {error}"[:500]


def attempt(delivery_id: int, is_manual: bool = False) -> None:
    """Make the next attempt of a delivery and schedule the one after. Idempotent for finished deliveries. Commits."""
    delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or (delivery.status in ("succeeded", "failed") and not is_manual):
        db.session.rollback()
        return
    webhook = db.session.get(Webhook, delivery.webhook_id)
    if not is_manual and delivery.next_attempt_at and delivery.next_attempt_at > utcnow() + timedelta(seconds=1):
        db.session.rollback()  # an early duplicate of a scheduled retry
        return
    if not webhook.enabled:  # disabled since the attempt was queued (a manual one too): nothing goes out
        delivery.status = "failed"
        delivery.next_attempt_at = None
        db.session.commit()
        return
    response, duration_ms, error = _post(webhook, delivery)
    delivery.attempts += 1
    code = response.status_code if response is not None else None
    is_success = code is not None and 200 <= code < 300
    if response is not None and not is_success:
        error = f"HTTP {code}"
    record = WebhookAttempt(
        project_id=delivery.project_id,
        webhook_id=webhook.id,
        delivery_id=delivery.id,
        attempt=delivery.attempts,
        is_success=is_success,
        status_code=code,
        duration_ms=duration_ms,
        error=error,
        is_manual=is_manual,
        response_snippet=response.content.decode("utf-8", "replace") if response is not None else None,
    )
    db.session.add(record)
    if is_success:
        delivery.status, delivery.next_attempt_at = "succeeded", None
        webhook.failing_since = None
    else:
        metrics.webhook_failed()
        _after_failure(webhook, delivery, record, response, is_manual)
    _prune(webhook.id)
    db.session.commit()


def _after_failure(webhook: Webhook, delivery: WebhookDelivery, record: WebhookAttempt,
                   response: requests.Response | None, is_manual: bool) -> None:
    now = utcnow()
    webhook.failing_since = webhook.failing_since or now
    if response is not None and response.status_code == 410:
        _disable(webhook, "The endpoint answered 410 Gone.")
    elif now - webhook.failing_since >= timedelta(days=FAILING_DAYS_BEFORE_DISABLE):
        _disable(webhook, f"Every delivery failed for {FAILING_DAYS_BEFORE_DISABLE} days.")
        _mail_managers(webhook)
    delay = None if (is_manual or not webhook.enabled) else next_delay(delivery.attempts, _retry_after(response))
    if delay is None:
        delivery.status, delivery.next_attempt_at = "failed", None
        return
    delivery.status = "retrying"
    delivery.next_attempt_at = record.next_retry_at = now + timedelta(seconds=delay)
    enqueue(JOB, delivery.id, queue="webhooks", delay=delay)


def _disable(webhook: Webhook, reason: str) -> None:
    webhook.enabled = False
    webhook.disabled_reason = reason
    log.warning("webhook %s disabled: %s", webhook.id, reason)


def _mail_managers(webhook: Webhook) -> None:
    project = db.session.get(Project, webhook.project_id)
    members = db.session.scalars(select(ProjectMember).where(
        ProjectMember.project_id == webhook.project_id, ProjectMember.role == Role.MANAGER)).all()
    for member in members:
        enqueue("app.mail.jobs.deliver", member.user.email, f"[{project.name}] Webhook disabled",
                f"Deliveries to {webhook.url} failed for {FAILING_DAYS_BEFORE_DISABLE} days in a row, so the "
                f"webhook was disabled.\n\nFix the endpoint, then enable it again in the project's settings: "
                f"{current_app.config['PUBLIC_URL']}/settings/webhooks", queue="mail")


def _prune(webhook_id: int) -> None:
    """The delivery log keeps 30 days."""
    cutoff = utcnow() - timedelta(days=RETENTION_DAYS)
    db.session.execute(delete(WebhookDelivery).where(
        WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.created_at < cutoff,
        WebhookDelivery.status.in_(("succeeded", "failed"))))


def resume_stuck(now: datetime | None = None) -> int:
    """Queue again the deliveries whose attempt is overdue (WEBHOOK_STUCK_SECONDS): their job was lost
    with a worker or process that stopped. Each is pushed on, so it is queued once per period at most;
    a duplicate job is harmless (the attempt locks the row and re-checks its state). Returns how many. Commits."""
    now = now or utcnow()
    overdue = timedelta(seconds=current_app.config["WEBHOOK_STUCK_SECONDS"])
    stuck = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.status.in_(("pending", "retrying")),
        WebhookDelivery.next_attempt_at < now - overdue).limit(100)).all()
    for delivery in stuck:
        delivery.next_attempt_at = now
        enqueue(JOB, delivery.id, queue="webhooks")
    db.session.commit()
    return len(stuck)
