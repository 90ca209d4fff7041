"""The Socket.IO namespaces: /widget for visitors, /agent for the dashboard.

Handlers stay thin: check the socket's identity, parse with the inbox
schemas, call a service, answer with an ack `{ok: true, ...}` or
`{ok: false, error: {code, message}}`. Bad input never reaches the database
and never takes the server down; a socket that keeps sending garbage is
disconnected with a reason.
"""
from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Any, Callable

from flask import current_app, request, session
from flask_jwt_extended import decode_token
from flask_socketio import ConnectionRefusedError, Namespace, join_room
from pydantic import BaseModel

from app.core.errors import APIError, NotFound
from app.core.pagination import PageQuery
from app.core.validation import parse
from app.extensions import db, socketio
from app.inbox import service as inbox
from app.inbox.schemas import (
    AgentSocketMessage,
    MessageCreate,
    PresenceRequest,
    SocketReadRequest,
    SyncRequest,
    TypingRequest,
    WidgetMessageCreate,
)
from app.realtime import presence
from app.realtime.fanout import AGENT_NAMESPACE, WIDGET_NAMESPACE, emit, project_room, visitor_room
from app.realtime import fanout, limits

log = logging.getLogger(__name__)

TYPING_INTERVAL_SECONDS = 2.0
MAX_STRIKES = 20
# How long a socket that must go stays for the error ack of its last event to get out first.
ACK_GRACE_SECONDS = 0.2
# Errors meaning the socket's visitor or account no longer exists: answered, then the socket is closed.
IDENTITY_GONE = frozenset({"visitor_not_found", "invalid_token"})


def _error(code: str, message: str, details: dict | None = None) -> dict:
    return {"ok": False, "error": {"code": code, "message": message, "details": details or {}}}


def _refuse(code: str, message: str) -> ConnectionRefusedError:
    """The client's connect_error receives {message, data: {code, message}}."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def handler(schema: type[BaseModel] | None = None) -> Callable:
    """Parse the payload with `schema`, call the handler, turn every failure into an error ack."""

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(self: "Gateway", data: Any = None, *extra: Any) -> dict:
            try:
                if schema is not None:
                    if not isinstance(data, dict):
                        raise APIError("The payload must be an object.", code="validation_failed")
                    data = parse(schema, data)
                result = fn(self, data)
                return {"ok": True, **(result or {})}
            except APIError as error:
                db.session.rollback()
                if error.code in IDENTITY_GONE:
                    self.drop_after_ack(error.code, error.message)
                else:
                    self.strike()
                return _error(error.code, error.message, error.details)
            except Exception:
                db.session.rollback()
                log.exception("socket handler %s failed", fn.__name__)
                return _error("internal_error", "Something went wrong on our side.")

        return wrapper

    return decorate


class Gateway(Namespace):
    """Shared plumbing: event-name routing, strikes, presence bookkeeping and refresh."""

    kind = ""

    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        self.live: dict[str, int] = {}
        self.refresher_started = False

    def trigger_event(self, event: str, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        method = "on_" + (event or "").replace(":", "_")
        if not event or not all(c.isalnum() or c in ":_" for c in event) or not hasattr(self, method):
            return self._unknown(event, *args)
        return super().trigger_event(event.replace(":", "_"), *args)

    def _unknown(self, event: str, sid: str, *args) -> dict:
        self._strike_sid(sid)
        return _error("unknown_event", f"Unknown event {str(event)[:64]!r}.")

    def strike(self) -> None:
        """Count a bad event; too many and the socket is dropped."""
        self._strike_sid(request.sid)

    def _strike_sid(self, sid: str) -> None:
        with self.socketio.server.session(sid, namespace=self.namespace) as socket_session:
            socket_session["strikes"] = socket_session.get("strikes", 0) + 1
            if socket_session["strikes"] >= MAX_STRIKES:
                log.info("disconnecting %s on %s: too many bad events", sid, self.namespace)
                self.drop(sid, "too_many_errors", "Too many invalid events.")

    def drop_after_ack(self, code: str, message: str) -> None:
        """Close this socket once the current event has been answered, with an `error` event saying why."""
        sid = request.sid

        def later() -> None:
            self.socketio.sleep(ACK_GRACE_SECONDS)
            self.drop(sid, code, message)

        self.socketio.start_background_task(later)

    def throttled(self, key: str) -> bool:
        """True when this socket sent the same ephemeral event less than TYPING_INTERVAL ago."""
        now = time.monotonic()
        if now - session.get(key, 0.0) < TYPING_INTERVAL_SECONDS:
            return True
        session[key] = now
        return False

    def track(self, key: int) -> bool:
        """Record this socket for presence; True when the person just came online."""
        self.live[request.sid] = key
        self._start_refresher()
        return presence.connect(self.kind, key, request.sid)

    def untrack(self) -> tuple[int | None, bool]:
        """Forget this socket; (key, went offline)."""
        key = self.live.pop(request.sid, None)
        if key is None:
            return None, False
        return key, presence.disconnect(self.kind, key, request.sid)

    def _start_refresher(self) -> None:
        if self.refresher_started:
            return
        self.refresher_started = True
        app = current_app._get_current_object()
        refresh_every = max(app.config["PRESENCE_TTL_SECONDS"] / 3, 1)
        audit_every = min(app.config["SOCKET_AUDIT_SECONDS"], refresh_every)

        def refresh_forever() -> None:
            last_refresh = time.monotonic()
            while True:
                socketio.sleep(audit_every)
                with app.app_context():
                    if time.monotonic() - last_refresh >= refresh_every - 0.5:
                        last_refresh = time.monotonic()
                        for sid, key in list(self.live.items()):
                            try:
                                presence.refresh(self.kind, key, sid)
                            except Exception:
                                log.exception("presence refresh failed")
                    try:
                        self.audit()
                    except Exception:
                        log.exception("socket audit failed")
                    finally:
                        db.session.remove()

        socketio.start_background_task(refresh_forever)

    def audit(self) -> None:
        """Periodic checks of live sockets (inside an app context); nothing by default."""

    def drop(self, sid: str, code: str, message: str) -> None:
        """Tell a socket why, then disconnect it."""
        self.socketio.server.emit("error", {"code": code, "message": message}, to=sid, namespace=self.namespace)
        self.socketio.server.disconnect(sid, namespace=self.namespace)


class WidgetNamespace(Gateway):
    """/widget: one visitor per socket, in its `visitor:{id}` room."""

    kind = presence.VISITOR

    def on_connect(self, auth=None):
        from app.visitors import service as visitors

        if not isinstance(auth, dict):
            raise _refuse("auth_required", "Connect with auth {project_key, visitor_token}.")
        try:
            project = visitors.project_for_key(auth.get("project_key"))
            visitors.check_origin(project, request.headers.get("Origin"), frame=True)
        except APIError as error:
            raise _refuse(error.code, error.message) from None
        visitor = visitors.visitor_for_token(project, auth.get("visitor_token"))
        if visitor is None:
            raise _refuse("invalid_visitor_token", "The visitor token is invalid or belongs to another project.")
        session.update(visitor_id=visitor.id, project_id=project.id, project_key=project.public_key)
        join_room(visitor_room(visitor.id))
        if self.track(visitor.id):
            visitors.publish_presence(visitor.id, True)

    def on_disconnect(self, reason=None):
        from app.visitors import service as visitors

        visitor_id, went_offline = self.untrack()
        if went_offline:
            visitors.publish_presence(visitor_id, False)

    def _visitor(self):
        from app.visitors.models import Visitor

        visitor = db.session.get(Visitor, session.get("visitor_id"))
        if visitor is None:
            raise NotFound("This visitor no longer exists.", code="visitor_not_found")
        return visitor

    @handler(WidgetMessageCreate)
    def on_message_send(self, data: WidgetMessageCreate):
        visitor_id = session.get("visitor_id")
        limits.admit_visitor_message(session["project_key"], visitor_id, request.remote_addr)
        if session.pop("start_new", False):
            data = data.model_copy(update={"new_conversation": True})
        return {"message": inbox.send_visitor_message(visitor_id, data)}

    @handler(TypingRequest)
    def on_typing(self, data: TypingRequest):
        visitor = self._visitor()
        if data.is_typing and self.throttled("typing_at"):
            return {"throttled": True}
        if not data.is_typing:
            session["typing_at"] = 0.0
        if data.conversation_id is not None:
            conversation = inbox.visitor_conversation(visitor, data.conversation_id)
        else:
            conversation = inbox.latest_open_conversation(visitor)
        emit("typing", {
            "project_id": visitor.project_id,
            "conversation_id": conversation.id if conversation else None,
            "visitor_id": visitor.id,
            "is_typing": data.is_typing,
            "sender_type": "visitor",
        }, to=project_room(visitor.project_id), namespace=AGENT_NAMESPACE)
        return {}

    @handler(SocketReadRequest)
    def on_read(self, data: SocketReadRequest):
        conversation = inbox.mark_read_by_visitor(self._visitor(), data.conversation_id, data.seq)
        return {"conversation": inbox.widget_conversation_body(conversation)}

    @handler(SyncRequest)
    def on_sync(self, data: SyncRequest):
        visitor = self._visitor()
        messages = inbox.visitor_messages(visitor, data.conversation_id, data.after_seq, data.limit)
        conversation = inbox.visitor_conversation(visitor, data.conversation_id)
        return {"messages": [inbox.visitor_message_body(m) for m in messages], "has_more": len(messages) == data.limit,
                "conversation": inbox.widget_conversation_body(conversation)}

    @handler()
    def on_conversations_list(self, data=None):
        conversations = inbox.visitor_conversations(self._visitor())
        return {"conversations": [inbox.widget_conversation_body(c) for c in conversations]}

    @handler()
    def on_conversation_new(self, data=None):
        """Lazy, like the first conversation: the next `message:send` starts it (no empty rows)."""
        visitor = self._visitor()
        limits.admit_new_conversation(session["project_key"], visitor.id)
        session["start_new"] = True
        return {"conversation": None}


def _apply_2fa_policy(user, project_ids: list[int]) -> list[int]:
    """Leave out projects that require 2FA of a member without it; refuse when none is left."""
    from app.auth.mfa import projects_requiring_enrolment

    blocked = projects_requiring_enrolment(user, project_ids)
    if blocked and len(blocked) == len(project_ids):
        raise _refuse("mfa_enrolment_required",
                      "Your projects require two-factor authentication: enable it on your profile first.")
    return [project_id for project_id in project_ids if project_id not in blocked]


class AgentNamespace(Gateway):
    """/agent: a signed-in agent, in the `project:{id}` room of each of its projects."""

    kind = presence.AGENT

    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        self.families: dict[str, str | None] = {}

    def on_connect(self, auth=None):
        from app.auth.service import FAMILY_CLAIM, is_family_revoked
        from app.projects import service as projects
        from app.users import service as users

        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise _refuse("auth_required", "Connect with auth {token: <access token>}.")
        try:
            claims = decode_token(token)
        except Exception:
            raise _refuse("invalid_token", "The access token is invalid or expired.") from None
        if claims.get("type") != "access" or is_family_revoked(claims.get(FAMILY_CLAIM)):
            raise _refuse("invalid_token", "The access token is invalid or revoked.")
        user = users.get(int(claims["sub"])) if str(claims.get("sub", "")).isdigit() else None
        if user is None or not user.is_active:
            raise _refuse("invalid_token", "The account no longer exists.")
        project_ids, cursor = [], None
        while True:
            rows, cursor = projects.projects_of(user, PageQuery(limit=200, cursor=cursor))
            project_ids += [project.id for project, _ in rows]
            if cursor is None:
                break
        project_ids = _apply_2fa_policy(user, project_ids)
        session.update(user_id=user.id, user_name=user.name, project_ids=project_ids)
        for project_id in project_ids:
            join_room(project_room(project_id))
        self.families[request.sid] = claims.get(FAMILY_CLAIM)
        self._expire_at(request.sid, claims["exp"])
        if self.track(user.id):
            # The first tab sets the status it asks for (the dashboard remembers the agent's choice),
            # available by default, so an agent who chose "away" is never assigned work meanwhile.
            # "away" then lasts while some tab stays connected.
            status = auth.get("status") if auth.get("status") in ("online", "away") else "online"
            presence.set_agent_status(user.id, status)
            self._announce(user.id, status)

    def on_disconnect(self, reason=None):
        self.families.pop(request.sid, None)
        user_id, went_offline = self.untrack()
        if went_offline:
            self._announce(user_id, "offline")

    def _expire_at(self, sid: str, expires_at: float) -> None:
        """Close the socket when its access token expires; the dashboard reconnects with a fresh one."""
        def expire() -> None:
            socketio.sleep(max(expires_at - time.time(), 0))
            if sid in self.families:
                self.drop(sid, "token_expired", "The access token has expired; reconnect with a fresh one.")

        socketio.start_background_task(expire)

    def audit(self) -> None:
        """Drop sockets whose session was signed out (token family revoked or gone with its account)."""
        from app.auth.service import is_family_revoked

        revoked = {family for family in set(self.families.values()) if is_family_revoked(family)}
        for sid, family in list(self.families.items()):
            if family in revoked:
                self.drop(sid, "token_revoked", "This session has been signed out.")

    def _announce(self, user_id: int, status: str) -> None:
        for project_id in session.get("project_ids", []):
            emit("presence", {"project_id": project_id, "user_id": user_id, "status": status},
                          to=project_room(project_id), namespace=AGENT_NAMESPACE)

    def _conversation(self, conversation_id: int):
        return inbox.conversation_in_projects(session.get("project_ids", []), conversation_id)

    def _agent(self):
        """The socket's agent; a socket whose account is gone is closed."""
        from app.users import service as users

        agent = users.get(session["user_id"])
        if agent is None or not agent.is_active:
            raise APIError("The account no longer exists.", code="invalid_token")
        return agent

    def _project(self, project_id: int):
        from app.projects.models import Project

        return db.session.get(Project, project_id)

    @handler(TypingRequest)
    def on_typing(self, data: TypingRequest):
        if data.conversation_id is None:
            raise APIError("typing needs a conversation_id.", code="validation_failed")
        conversation = self._conversation(data.conversation_id)
        if data.is_typing and self.throttled(f"typing_at:{conversation.id}"):
            return {"throttled": True}
        if not data.is_typing:
            session[f"typing_at:{conversation.id}"] = 0.0
        agent = {"id": session["user_id"], "name": session["user_name"], "avatar_url": None}
        emit("typing", {"conversation_id": conversation.id, "is_typing": data.is_typing, "agent": agent},
                      to=visitor_room(conversation.visitor_id), namespace=WIDGET_NAMESPACE)
        emit("typing", {"project_id": conversation.project_id, "conversation_id": conversation.id,
                                 "is_typing": data.is_typing, "sender_type": "agent", "user_id": session["user_id"]},
                      to=project_room(conversation.project_id), namespace=AGENT_NAMESPACE, skip_sid=request.sid)
        return {}

    @handler(SocketReadRequest)
    def on_read(self, data: SocketReadRequest):
        conversation = self._conversation(data.conversation_id)
        return inbox.mark_read_by_agent(self._project(conversation.project_id), conversation.id, self._agent(),
                                        data.seq)

    @handler(SyncRequest)
    def on_sync(self, data: SyncRequest):
        messages = inbox.agent_sync(session.get("project_ids", []), data.conversation_id, data.after_seq, data.limit)
        return {"messages": [inbox.message_body(m) for m in messages], "has_more": len(messages) == data.limit}

    @handler(PresenceRequest)
    def on_presence_set(self, data: PresenceRequest):
        presence.set_agent_status(session["user_id"], data.status)
        self._announce(session["user_id"], data.status)
        return {"status": data.status}

    @handler(AgentSocketMessage)
    def on_message_send(self, data: AgentSocketMessage):
        conversation = self._conversation(data.conversation_id)
        fields = data.model_dump(exclude={"conversation_id"})
        message, _ = inbox.send_agent_message(self._project(conversation.project_id), conversation.id,
                                              self._agent(), MessageCreate(**fields))
        return {"message": inbox.message_body(message)}


def init_app(app) -> None:
    """Bind Socket.IO to the app and register both namespaces.

    Origins are checked by the namespaces themselves (the widget's against the
    project's allowed origins; agents authenticate with a bearer token, not a cookie).
    """
    socketio.init_app(
        app,
        async_mode="gevent",
        message_queue=app.config["REDIS_URL"] or None,
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins="*",
        max_http_buffer_size=256 * 1024,
    )
    socketio.on_namespace(WidgetNamespace(WIDGET_NAMESPACE))
    socketio.on_namespace(AgentNamespace(AGENT_NAMESPACE))
    # The extension object is a process-wide singleton; each app keeps its own server for emits.
    fanout.init_app(app, socketio.server)
    presence.init_app(app)
    limits.init_app(app)
