"""/widget: the visitor's socket (one visitor per socket, in its `visitor:{id}` room)."""
from __future__ import annotations

from flask import request, session
from flask_socketio import join_room

from app.core import metrics
from app.core.errors import APIError, NotFound
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.schemas import SocketReadRequest, SyncRequest, TypingRequest, WidgetMessageCreate
from app.presence import service as presence
from app.presence.service import AGENT_NAMESPACE
from app.realtime.fanout import emit, project_room, visitor_room
from app.realtime.gateway import Gateway, handler, refuse
from app.visitors import limits
from app.visitors import service as visitors
from app.visitors.models import Visitor


class WidgetNamespace(Gateway):
    """/widget: one visitor per socket, in its `visitor:{id}` room."""

    kind = presence.VISITOR

    def on_connect(self, auth=None):
        if not isinstance(auth, dict):
            raise refuse("auth_required", "Connect with auth {project_key, visitor_token}.")
        try:
            project = visitors.project_for_key(auth.get("project_key"))
            visitors.check_origin(project, request.headers.get("Origin"), frame=True)
        except APIError as error:
            raise refuse(error.code, error.message) from None
        visitor = visitors.visitor_for_token(project, auth.get("visitor_token"))
        if visitor is None:
            raise refuse("invalid_visitor_token", "The visitor token is invalid or belongs to another project.")
        session.update(visitor_id=visitor.id, project_id=project.id, project_key=project.public_key)
        join_room(visitor_room(visitor.id))
        if self.track(visitor.id):
            visitors.publish_presence(visitor.id, True)

    def on_disconnect(self, reason=None):
        visitor_id, went_offline = self.untrack()
        if went_offline:
            visitors.publish_presence(visitor_id, False)

    def _visitor(self):
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
        with metrics.timed_send("widget"):
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
