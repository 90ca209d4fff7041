"""Turn an outbox event into Socket.IO emits: who hears what, on which namespace and room.

Agents hear everything of their projects in `project:{id}` on /agent; a
visitor hears its own conversations in `visitor:{id}` on /widget, never a
private note. Every payload carries `event_id` so clients can drop the
duplicate of an event delivered by both the fast path and the relay.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO

from app.core import relay
from app.core.outbox import OutboxRecord
from app.inbox.service import visitor_message_body
from app.presence.service import AGENT_NAMESPACE, WIDGET_NAMESPACE

SERVER_EXTENSION = "livechat_socketio_server"



def emit(event: str, data: Any, *, to: str, namespace: str, skip_sid: str | None = None) -> None:
    """Emit through the current app's Socket.IO server (through Redis to every process in production)."""
    current_app.extensions[SERVER_EXTENSION].emit(event, data, to=to, namespace=namespace, skip_sid=skip_sid)


def project_room(project_id: int) -> str:
    return f"project:{project_id}"


def visitor_room(visitor_id: int) -> str:
    return f"visitor:{visitor_id}"


def _widget_message(message: dict) -> dict:
    return visitor_message_body(message)


def init_app(app: Flask, server: Any) -> None:
    """Emit through `server` (the app's Socket.IO server) and hear every outbox row from the relay."""
    app.extensions[SERVER_EXTENSION] = server
    relay.subscribe_sockets(app, deliver)


def use_external_emitter(app: Flask) -> None:
    """Worker processes publish through the Redis message queue without serving sockets."""
    app.extensions[SERVER_EXTENSION] = SocketIO(message_queue=app.config["REDIS_URL"],
                                                channel=app.config["SOCKETIO_CHANNEL"])


def deliver(record: OutboxRecord) -> None:
    """Emit one outbox record to the rooms that should hear it."""
    event_id, project_id, event_type, payload = record.id, record.project_id, record.event_type, record.payload
    to_agents = project_room(project_id)
    visitor_id = payload.get("visitor_id")
    if event_type == "message.created":
        message = payload["message"]
        emit("message:new", {"event_id": event_id, "project_id": project_id, "message": message},
             to=to_agents, namespace=AGENT_NAMESPACE)
        if not message["private"]:
            emit("message:new", {"event_id": event_id, "message": _widget_message(message)},
                 to=visitor_room(visitor_id), namespace=WIDGET_NAMESPACE)
    elif event_type in ("conversation.created", "conversation.updated"):
        name = "conversation:created" if event_type == "conversation.created" else "conversation:updated"
        emit(name, {"event_id": event_id, "project_id": project_id, "conversation": payload["conversation"]},
             to=to_agents, namespace=AGENT_NAMESPACE)
        emit("conversation:updated", {"event_id": event_id, "conversation": payload["widget_conversation"]},
             to=visitor_room(visitor_id), namespace=WIDGET_NAMESPACE)
    elif event_type == "conversation.read":
        body = {"conversation_id": payload["conversation_id"], "seq": payload["seq"],
                "reader_type": payload["reader_type"], "event_id": event_id}
        agent_body = {**body, "project_id": project_id, "reader_id": payload.get("reader_id")}
        emit("read", agent_body, to=to_agents, namespace=AGENT_NAMESPACE)
        emit("read", body, to=visitor_room(visitor_id), namespace=WIDGET_NAMESPACE)
    elif event_type == "visitor.updated":
        emit("visitor:updated", {"event_id": event_id, "project_id": project_id, "visitor": payload["visitor"]},
             to=to_agents, namespace=AGENT_NAMESPACE)
