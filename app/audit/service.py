"""Writing, reading and expiring audit entries (see the package docstring for the decorator)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, Callable

from flask import g, has_request_context, make_response, request
from sqlalchemy import delete, insert, select

from app.audit.models import AuditLog
from app.core.db import on_commit, utcnow
from app.core.pagination import paginate
from app.extensions import db

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
SECRET_WORDS = ("password", "token", "secret", "code", "key", "recovery")
# Field names that contain a secret word but hold no secret.
NOT_SECRET = frozenset({"public_key", "client_msg_id"})
_PENDING = "_audit_pending"

Target = tuple[str, Any] | None


def is_secret_field(name: str) -> bool:
    """True for field names that may hold a credential."""
    lowered = name.lower()
    return lowered not in NOT_SECRET and any(word in lowered for word in SECRET_WORDS)


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-named field's value replaced."""
    if isinstance(value, dict):
        return {key: (REDACTED if is_secret_field(str(key)) else redact(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _request_actor() -> tuple[str, int | None]:
    principal = g.get("principal") if has_request_context() else None
    if principal is None:
        return ("system", None)
    return principal.actor


def _entry(action: str, *, project_id: int | None, user_id: int | None, target: Target,
           changes: dict | None, actor: tuple[str, int | None] | None) -> dict:
    actor_type, actor_id = actor or _request_actor()
    in_request = has_request_context()
    return {
        "project_id": project_id,
        "user_id": user_id,
        "actor_type": actor_type,
        "actor_id": actor_id,
        "action": action,
        "target_type": target[0] if target else None,
        "target_id": str(target[1])[:64] if target and target[1] is not None else None,
        "changes": _jsonable(redact(changes or {})),
        "ip": request.remote_addr if in_request else None,
        "user_agent": (request.user_agent.string or "")[:255] if in_request else None,
        "created_at": utcnow(),
    }


def _write(entry: dict) -> None:
    """Insert on a connection of its own, never failing the caller (fail-open)."""
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditLog), [entry])
    except Exception:
        log.exception("audit entry could not be written: %r", entry)


def record(action: str, *, project_id: int | None = None, user_id: int | None = None, target: Target = None,
           changes: dict | None = None, actor: tuple[str, int | None] | None = None) -> None:
    """Record one action. Inside an @auditable request the changes join the route's entry instead."""
    pending = g.get(_PENDING) if has_request_context() else None
    if pending is not None:
        pending["changes"].update(changes or {})
        if target and pending.get("target") is None:
            pending["target"] = target
        return
    entry = _entry(action, project_id=project_id, user_id=user_id, target=target, changes=changes, actor=actor)
    # After the caller's commit: never a record of work that was rolled back, and never a second
    # writer waiting on the caller's own lock (SQLite).
    on_commit(lambda: _write(entry))


def security_event(user_id: int, action: str, *, changes: dict | None = None,
                   actor: tuple[str, int | None] | None = None) -> None:
    """An account-level event (sign-in, 2FA, password) shown to the user on their profile."""
    _write(_entry(action, project_id=None, user_id=user_id, target=("user", user_id), changes=changes,
                  actor=actor or ("user", user_id)))


def failed_sign_in(user_id: int | None, email: str) -> None:
    """A failed sign-in: shown to the account's user; for unknown emails, kept for operators only."""
    target = ("user", user_id) if user_id is not None else ("email", email[:64])
    _write(_entry("auth.login_failed", project_id=None, user_id=user_id, target=target, changes=None,
                  actor=("anonymous", None)))


def _body_changes() -> dict:
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        return {}
    return {str(key): [None, value] for key, value in body.items()}


def _resolve_target(target: str | tuple[str, str] | None, view_args: dict, response) -> Target:
    if target is None:
        return None
    kind, arg = (target, f"{target}_id") if isinstance(target, str) else target
    if arg in view_args:
        return (kind, view_args[arg])
    body = response.get_json(silent=True) if getattr(response, "is_json", False) else None
    return (kind, body.get("id")) if isinstance(body, dict) else (kind, None)


def _project_of(target: Target, response) -> int | None:
    if target and target[0] == "project":
        return target[1]
    body = response.get_json(silent=True) if getattr(response, "is_json", False) else None
    if not isinstance(body, dict):
        return None
    nested = body.get("project")
    return body.get("project_id") or (nested.get("id") if isinstance(nested, dict) else None)


def auditable(action: str, target: str | tuple[str, str] | None = None) -> Callable:
    """Record `action` on `target` after each successful call of the decorated view."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            pending = {"changes": {}, "target": None}
            g.setdefault(_PENDING, None)
            setattr(g, _PENDING, pending)
            try:
                result = view(*args, **kwargs)
            finally:
                setattr(g, _PENDING, None)
            response = make_response(result)
            if response.status_code < 400:
                view_args = dict(request.view_args or {})
                resolved = _resolve_target(target, view_args, response)
                if resolved is None or resolved[1] is None:
                    resolved = pending["target"] or resolved
                changes = pending["changes"] or _body_changes()
                project_id = view_args.get("project_id") or _project_of(resolved, response)
                _write(_entry(action, project_id=project_id, user_id=None, target=resolved, changes=changes,
                              actor=None))
            return response

        wrapper.__audit__ = {"action": action}
        return wrapper

    return decorate


def audited_in_service(action: str) -> Callable:
    """Mark a route whose service writes its own entries (e.g. account events)."""

    def decorate(view: Callable) -> Callable:
        view.__audit__ = {"action": action, "in_service": True}
        return view

    return decorate


def audit_exempt(reason: str) -> Callable:
    """Mark a state-changing route as deliberately not audited, saying why."""

    def decorate(view: Callable) -> Callable:
        view.__audit__ = {"exempt": reason}
        return view

    return decorate


def diff(obj: Any, after: dict) -> dict:
    """{field: [before, after]} for the fields of `after` whose value differs on `obj`."""
    changes = {}
    for field, value in after.items():
        before = getattr(obj, field, None)
        if before != value:
            changes[field] = [before, value]
    return changes


# --- reading and retention ------------------------------------------------------

def entries(stmt_filter: list, page) -> tuple[list[AuditLog], str | None]:
    """Entries matching the filter clauses, newest first."""
    return paginate(select(AuditLog).where(*stmt_filter), [AuditLog.id], page)


def project_entries(project_id: int, query) -> tuple[list[AuditLog], str | None]:
    """A project's trail, filtered by the query's actor, action, target and date range."""
    clauses = [AuditLog.project_id == project_id]
    if query.actor_type:
        clauses.append(AuditLog.actor_type == query.actor_type)
    if query.actor_id is not None:
        clauses.append(AuditLog.actor_id == query.actor_id)
    if query.action:
        clauses.append(AuditLog.action == query.action)
    if query.target_type:
        clauses.append(AuditLog.target_type == query.target_type)
    if query.target_id:
        clauses.append(AuditLog.target_id == query.target_id)
    if query.since:
        clauses.append(AuditLog.created_at >= query.since)
    if query.until:
        clauses.append(AuditLog.created_at < query.until)
    return entries(clauses, query)


def account_entries(user_id: int, page) -> tuple[list[AuditLog], str | None]:
    """The account-level security events of one user."""
    return entries([AuditLog.user_id == user_id], page)


def entry_body(entry: AuditLog) -> dict:
    """The contract shape of one entry."""
    return {
        "id": entry.id,
        "actor": {"type": entry.actor_type, "id": entry.actor_id},
        "action": entry.action,
        "target": {"type": entry.target_type, "id": entry.target_id},
        "changes": entry.changes,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "created_at": entry.created_at,
    }


DEFAULT_ACCOUNT_RETENTION_DAYS = 365


def purge_expired(now: datetime | None = None) -> int:
    """Delete entries older than their project's retention (account events: a year). Idempotent."""
    from app.projects.models import Project

    now = now or utcnow()
    removed = 0
    for project_id, days in db.session.execute(select(Project.id, Project.audit_retention_days)).all():
        result = db.session.execute(delete(AuditLog).where(
            AuditLog.project_id == project_id, AuditLog.created_at < now - timedelta(days=days)))
        removed += result.rowcount or 0
    result = db.session.execute(delete(AuditLog).where(
        AuditLog.project_id.is_(None), AuditLog.created_at < now - timedelta(days=DEFAULT_ACCOUNT_RETENTION_DAYS)))
    removed += result.rowcount or 0
    # Entries of projects that no longer exist go after the longest retention a project may choose.
    db.session.commit()
    return removed
