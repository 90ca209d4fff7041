"""/api/v1/projects/{pid}/webhooks (managers)."""
from __future__ import annotations

from flask import Blueprint

from app.audit.service import auditable
from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, json_body, query_args
from app.projects.access import project_for
from app.rbac.roles import Role
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryAttemptOut,
    DeliveryOut,
    SecretOut,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecretOut,
)

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/projects/<int:project_id>/webhooks")


def _delivery(delivery) -> dict:
    return dump(DeliveryOut, {**{c: getattr(delivery, c) for c in ("id", "webhook_id", "event_id", "event_type",
                                                                    "status", "attempts", "next_attempt_at",
                                                                    "created_at")},
                              "webhook_message_id": delivery.message_id})


@bp.get("")
@authenticated
@documented(summary="Webhook endpoints of a project (managers)", query=PageQuery, response=WebhookOut, paged=True)
def list_webhooks(project_id: int):
    """Newest first; secrets are never listed."""
    project, _ = project_for(project_id, Role.MANAGER)
    rows, next_cursor = service.list_webhooks(project, query_args(PageQuery))
    return page_body([dump(WebhookOut, row) for row in rows], next_cursor)


@bp.post("")
@authenticated
@auditable("webhook.create", target="webhook")
@documented(summary="Register a webhook endpoint; the answer shows its `whsec_` secret once", body=WebhookCreate,
            response=WebhookWithSecretOut, status=201)
def create_webhook(project_id: int):
    """The URL passes the SSRF check or is a 422 naming the reason."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(WebhookWithSecretOut, service.create_webhook(project, json_body(WebhookCreate))), 201


@bp.get("/<int:webhook_id>")
@authenticated
@documented(summary="Read a webhook endpoint", response=WebhookOut)
def get_webhook(project_id: int, webhook_id: int):
    """Without its secret."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(WebhookOut, service.get_webhook(project, webhook_id))


@bp.patch("/<int:webhook_id>")
@authenticated
@auditable("webhook.update", target=("webhook", "webhook_id"))
@documented(summary="Change a webhook's URL, events, description or enabled state", body=WebhookUpdate,
            response=WebhookOut)
def update_webhook(project_id: int, webhook_id: int):
    """Enabling it again clears the failure streak."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(WebhookOut, service.update_webhook(project, webhook_id, json_body(WebhookUpdate)))


@bp.delete("/<int:webhook_id>")
@authenticated
@auditable("webhook.delete", target=("webhook", "webhook_id"))
@documented(summary="Delete a webhook endpoint and its delivery log", status=204)
def delete_webhook(project_id: int, webhook_id: int):
    """Pending retries are dropped."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.delete_webhook(project, webhook_id)
    return "", 204


@bp.post("/<int:webhook_id>/rotate-secret")
@authenticated
@auditable("webhook.rotate_secret", target=("webhook", "webhook_id"))
@documented(summary="Rotate the signing secret (the old one signs too for 24 hours)", response=SecretOut)
def rotate_secret(project_id: int, webhook_id: int):
    """The new secret is shown this once."""
    project, _ = project_for(project_id, Role.MANAGER)
    webhook = service.rotate_secret(project, webhook_id)
    return dump(SecretOut, {"secret": webhook.secret,
                            "previous_secret_expires_at": webhook.previous_secret_expires_at})


@bp.post("/<int:webhook_id>/test")
@authenticated
@auditable("webhook.test", target=("webhook", "webhook_id"))
@documented(summary="Send a `webhook.test` event to the endpoint", response=DeliveryOut, status=202)
def send_test(project_id: int, webhook_id: int):
    """Delivered like any event, retries included; a disabled endpoint is a 409 `endpoint_disabled`."""
    project, _ = project_for(project_id, Role.MANAGER)
    return _delivery(service.send_test_event(project, webhook_id)), 202


@bp.get("/<int:webhook_id>/deliveries")
@authenticated
@documented(summary="The delivery log: every attempt, newest first (kept 30 days)", query=PageQuery,
            response=DeliveryAttemptOut, paged=True)
def list_deliveries(project_id: int, webhook_id: int):
    """Attempt, event type, webhook-id, status code, duration, response snippet, error, next retry."""
    project, _ = project_for(project_id, Role.MANAGER)
    rows, next_cursor = service.delivery_log(project, webhook_id, query_args(PageQuery))
    return page_body([dump(DeliveryAttemptOut, row) for row in rows], next_cursor)


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
@authenticated
@auditable("webhook.redeliver", target=("webhook_delivery", "delivery_id"))
@documented(summary="Send a delivery again now, with the same webhook-id", response=DeliveryOut, status=202)
def redeliver(project_id: int, webhook_id: int, delivery_id: int):
    """One manual attempt, logged as such; a disabled endpoint is a 409 `endpoint_disabled`."""
    project, _ = project_for(project_id, Role.MANAGER)
    return _delivery(service.redeliver(project, webhook_id, delivery_id)), 202
