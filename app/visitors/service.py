"""Widget sessions, the origin check, visitor tokens and identity verification."""
from __future__ import annotations

import hashlib
import hmac
from typing import Callable
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from user_agents import parse as parse_user_agent

from app.core import outbox
from app.core.db import utcnow
from app.core.errors import Forbidden, NotFound, Unprocessable
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.presence import service as presence
from app.projects import service as projects
from app.projects.models import Project
from app.visitors.models import Visitor
from app.visitors.schemas import VisitorListQuery, VisitorOut, VisitorUpdate, WidgetSessionCreate

TOKEN_SALT = "livechat-visitor-token"
TOKEN_MAX_AGE = 400 * 24 * 3600
_DEFAULT_PORTS = {"http": 80, "https": 443}


# --- origins ------------------------------------------------------------------

def _split_origin(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """True when `origin` matches one entry: exact scheme, host and port; `*.` matches subdomains."""
    if not origin:
        return False
    actual = _split_origin(origin)
    if actual is None:
        return False
    for entry in allowed:
        wildcard = "://*." in entry
        expected = _split_origin(entry.replace("://*.", "://", 1))
        if expected is None or expected[0] != actual[0] or expected[2] != actual[2]:
            continue
        if actual[1] == expected[1] and not wildcard:
            return True
        if wildcard and actual[1].endswith("." + expected[1]):
            return True
    return False


def check_origin(project: Project, origin: str | None, *, frame: bool = False) -> None:
    """403 origin_not_allowed unless the page origin is one of the project's.

    The widget's own frame is served from this server, so its sockets may
    also come from PUBLIC_URL's origin (`frame=True`).
    """
    allowed = list(project.allowed_origins)
    if frame:
        allowed.append(current_app.config["PUBLIC_URL"])
    if not origin_allowed(origin, allowed):
        raise Forbidden(f"The origin {origin or '(none)'} is not allowed for this project.", code="origin_not_allowed")


def project_for_key(project_key: str | None) -> Project:
    """The project a widget names by its public key, or 404."""
    project = projects.find_by_public_key(project_key) if isinstance(project_key, str) and project_key else None
    if project is None:
        raise NotFound("No project has this key.", code="unknown_project_key")
    return project


# --- tokens -------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(visitor: Visitor) -> str:
    """A signed token binding the visitor to its project."""
    return _serializer().dumps({"v": visitor.id, "p": visitor.project_id})


def visitor_for_token(project: Project, token: str | None) -> Visitor | None:
    """The visitor a token names, when it is valid and belongs to `project`."""
    if not isinstance(token, str) or not token or len(token) > 1000:
        return None
    try:
        claims = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or claims.get("p") != project.id or not isinstance(claims.get("v"), int):
        return None
    return db.session.scalar(scoped(Visitor, project.id).where(Visitor.id == claims["v"]))


def visitor_from_any_token(token: str | None) -> Visitor | None:
    """The visitor behind a token, whatever its project (for attachment downloads)."""
    if not isinstance(token, str) or not token or len(token) > 1000:
        return None
    try:
        claims = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("v"), int) or not isinstance(claims.get("p"), int):
        return None
    return db.session.scalar(select(Visitor).where(Visitor.id == claims["v"], Visitor.project_id == claims["p"]))


# --- sessions -----------------------------------------------------------------

def _verified_identity(project: Project, data: WidgetSessionCreate) -> bool:
    """Check identifier_hash = HMAC-SHA256(identity secret, identifier); refuse what must be verified."""
    if data.identifier is None:
        if data.identifier_hash:
            raise Forbidden("identifier_hash needs an identifier.", code="identity_verification_failed")
        return False
    if data.identifier_hash is None:
        if project.identity_required:
            raise Forbidden("This project requires a verified identity (identifier_hash).", code="identity_required")
        return False
    expected = hmac.new(project.identity_secret.encode(), data.identifier.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, data.identifier_hash.strip().lower()):
        raise Forbidden("The identifier_hash does not match the identifier.", code="identity_verification_failed")
    return True


def _apply_details(visitor: Visitor, data: WidgetSessionCreate, user_agent: str | None) -> None:
    if data.name is not None:
        visitor.name = data.name or None
    if data.email is not None:
        visitor.email = str(data.email).lower()
    if data.attributes is not None:
        visitor.attributes = merge_attributes(visitor.attributes, data.attributes)
    if data.page is not None:
        visitor.page_url = data.page.url
        visitor.page_title = data.page.title
        visitor.referrer = data.page.referrer
    if user_agent:
        parsed = parse_user_agent(user_agent)
        visitor.user_agent = user_agent[:500]
        visitor.browser = f"{parsed.browser.family} {parsed.browser.version_string}".strip()[:120]
        visitor.os = f"{parsed.os.family} {parsed.os.version_string}".strip()[:120]
    visitor.last_seen_at = utcnow()


def merge_attributes(current: dict, changes: dict) -> dict:
    """Apply attribute changes; a null value removes the key."""
    merged = dict(current or {})
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > 50:
        raise Unprocessable("A visitor has at most 50 attributes.", code="too_many_attributes")
    return merged


def start_session(project: Project, data: WidgetSessionCreate, user_agent: str | None,
                  admit_new_visitor: Callable[[], None] | None = None) -> tuple[Visitor, str]:
    """Start or resume the visitor of a widget; returns it with a fresh token. Commits.

    `admit_new_visitor` is called before a visitor is created (it raises to refuse one: rate limits).
    """
    is_verified = _verified_identity(project, data)
    visitor = visitor_for_token(project, data.visitor_token)
    if is_verified:
        known = db.session.scalar(
            scoped(Visitor, project.id)
            .where(Visitor.identifier == data.identifier, Visitor.is_identity_verified.is_(True))
            .order_by(Visitor.id)
            .limit(1)
        )
        if known is not None:
            visitor = known
        elif visitor is not None and visitor.is_identity_verified and visitor.identifier != data.identifier:
            visitor = None  # someone else signed in on this browser: never merge two identities
    elif visitor is not None and visitor.is_identity_verified and data.identifier not in (None, visitor.identifier):
        visitor = None
    is_new = visitor is None
    if visitor is None:
        if admit_new_visitor is not None:
            admit_new_visitor()
        visitor = Visitor(project_id=project.id, attributes={})
        db.session.add(visitor)
    was_identified = is_identified(visitor)
    if data.identifier is not None and not visitor.is_identity_verified:
        visitor.identifier = data.identifier
        visitor.is_identity_verified = is_verified
    _apply_details(visitor, data, user_agent)
    db.session.flush()
    outbox.publish(project.id, "visitor.updated", {"visitor": visitor_summary(visitor)})
    if is_new:  # for subscribers (webhooks); the agents' sockets hear visitor.updated
        outbox.publish(project.id, "visitor.created", {"visitor": visitor_summary(visitor)})
    _publish_if_identified(visitor, was_identified)
    db.session.commit()
    return visitor, issue_token(visitor)


def is_identified(visitor: Visitor) -> bool:
    """True once the site told us who the visitor is (an identifier or an email)."""
    return bool(visitor.identifier or visitor.email)


def _publish_if_identified(visitor: Visitor, was_identified: bool) -> None:
    # A separate event, because visitor.updated also fires on every page view and presence change.
    if not was_identified and is_identified(visitor):
        outbox.publish(visitor.project_id, "visitor.identified", {"visitor_id": visitor.id})


def visitor_summary(visitor: Visitor, online: bool | None = None) -> dict:
    """The visitor as agents see it in events and lists."""
    body = VisitorOut.model_validate(visitor, from_attributes=True).model_dump(mode="json")
    body["online"] = presence.is_online(presence.VISITOR, visitor.id) if online is None else online
    return body


def publish_presence(visitor_id: int, is_online: bool) -> None:
    """Tell the project's agents that a visitor came online or left. Commits."""
    visitor = db.session.get(Visitor, visitor_id)
    if visitor is None:
        return
    visitor.last_seen_at = utcnow()
    outbox.publish(visitor.project_id, "visitor.updated", {"visitor": visitor_summary(visitor, online=is_online)})
    try:
        db.session.commit()
    except IntegrityError:
        # The project (and so the visitor) was deleted meanwhile: nobody is left to tell.
        db.session.rollback()


# --- agents' view -------------------------------------------------------------

def list_visitors(project: Project, query: VisitorListQuery) -> tuple[list[dict], str | None]:
    """Visitors of the project, most recently seen first; `online` and `q` filter."""
    stmt = scoped(Visitor, project.id)
    if query.q:
        pattern = f"%{query.q}%"
        stmt = stmt.where(
            or_(Visitor.name.ilike(pattern), Visitor.email.ilike(pattern), Visitor.identifier.ilike(pattern))
        )
    if query.online is not None:
        # Presence lives outside the database: filter on the live set of this project's visitors.
        candidates = list(db.session.scalars(scoped(Visitor, project.id).with_only_columns(Visitor.id)))
        online = presence.online_ids(presence.VISITOR, candidates)
        stmt = stmt.where(Visitor.id.in_(online) if query.online else Visitor.id.not_in(online))
    rows, next_cursor = paginate(
        stmt, [Visitor.last_seen_at, Visitor.id], PageQuery(limit=query.limit, cursor=query.cursor)
    )
    online = presence.online_ids(presence.VISITOR, [v.id for v in rows])
    return [visitor_summary(v, online=v.id in online) for v in rows], next_cursor


def get_visitor(project: Project, visitor_id: int) -> Visitor:
    """A visitor of the project, or 404."""
    return get_or_404(Visitor, visitor_id, project.id)


def update_visitor(project: Project, visitor_id: int, data: VisitorUpdate) -> Visitor:
    """Agents correct a visitor's name, email or attributes. Commits."""
    visitor = get_visitor(project, visitor_id)
    was_identified = is_identified(visitor)
    fields = data.model_fields_set
    if "name" in fields:
        visitor.name = data.name or None
    if "email" in fields:
        visitor.email = str(data.email).lower() if data.email else None
    if data.attributes is not None:
        visitor.attributes = merge_attributes(visitor.attributes, data.attributes)
    db.session.flush()
    outbox.publish(project.id, "visitor.updated", {"visitor": visitor_summary(visitor)})
    _publish_if_identified(visitor, was_identified)
    db.session.commit()
    return visitor
