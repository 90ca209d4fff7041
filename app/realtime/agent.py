"""/agent: a signed-in agent's dashboard socket, in the `project:{id}` room of each of its projects."""
from __future__ import annotations

import time

from flask import request, session
from flask_socketio import join_room

from app.auth import service as auth_service
from app.auth.mfa import projects_requiring_enrolment
from app.core.errors import APIError
from app.extensions import db, socketio
from app.inbox import service as inbox
from app.inbox.schemas import (
    AgentSocketMessage,
    MessageCreate,
    PresenceRequest,
    SocketReadRequest,
    SyncRequest,
    TypingRequest,
)
from app.presence import service as presence
from app.presence.service import AGENT_NAMESPACE, WIDGET_NAMESPACE
from app.projects import service as projects
from app.projects.models import Project
from app.realtime.fanout import emit, project_room, visitor_room
from app.realtime.gateway import Gateway, handler, refuse
from app.users import service as users


def _apply_2fa_policy(user, project_ids: list[int]) -> list[int]:
    """Leave out projects that require 2FA of a member without it; refuse when none is left."""
    blocked = projects_requiring_enrolment(user, project_ids)
    if blocked and len(blocked) == len(project_ids):
        raise refuse("mfa_enrolment_required",
                     "Your projects require two-factor authentication: enable it on your profile first.")
    return [project_id for project_id in project_ids if project_id not in blocked]


class AgentNamespace(Gateway):
    """/agent: a signed-in agent, in the `project:{id}` room of each of its projects."""

    kind = presence.AGENT

    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        self.families: dict[str, str | None] = {}

    def on_connect(self, auth=None):
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise refuse("auth_required", "Connect with auth {token: <access token>}.")
        try:
            user, claims = auth_service.socket_identity(token)
        except APIError as error:
            raise refuse(error.code, error.message) from None
        project_ids = _apply_2fa_policy(user, projects.project_ids_of(user))
        session.update(user_id=user.id, user_name=user.name, project_ids=project_ids)
        for project_id in project_ids:
            join_room(project_room(project_id))
        self.families[request.sid] = claims.get(auth_service.FAMILY_CLAIM)
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
        revoked = {family for family in set(self.families.values()) if auth_service.is_family_revoked(family)}
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
        agent = users.get(session["user_id"])
        if agent is None or not agent.is_active:
            raise APIError("The account no longer exists.", code="invalid_token")
        return agent

    def _project(self, project_id: int):
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
