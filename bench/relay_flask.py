"""The bare Flask-SocketIO reference relay: gevent, the Redis message queue, no database.

    BENCH_REDIS_URL=redis://127.0.0.1:6390/0 gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker \
        -w 1 -b 127.0.0.1:5079 --chdir bench relay_flask:app

The same events as the product (bench/relay_node.mjs says which); every emit
goes through Redis like the product's, so the comparison isolates what the
product adds: the database, the outbox, its checks.
"""
from __future__ import annotations

import itertools
import os
from datetime import datetime, timezone

from flask import Flask, session
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
app.config["SECRET_KEY"] = "bench"
socketio = SocketIO(app, async_mode="gevent", message_queue=os.environ.get("BENCH_REDIS_URL"),
                    channel="bench-relay", cors_allowed_origins="*")

_visitors = itertools.count(1)
_conversation_ids = itertools.count(1)
_message_ids = itertools.count(1)
_event_ids = itertools.count(1)
_conversations: dict[int, dict] = {}


@app.get("/readyz")
def readyz():
    return "ok"


@socketio.on("connect", namespace="/agent")
def agent_connect(auth=None):
    join_room("project:1")


@socketio.on("connect", namespace="/widget")
def widget_connect(auth=None):
    session["visitor_id"] = next(_visitors)
    session["open_conversation"] = None
    join_room(f"visitor:{session['visitor_id']}")


@socketio.on("message:send", namespace="/widget")
def message_send(data=None):
    if not isinstance(data, dict) or not isinstance(data.get("client_msg_id"), str):
        return {"ok": False, "error": {"code": "validation_failed", "message": "client_msg_id is required",
                                       "details": {}}}
    visitor_id = session["visitor_id"]
    conversation = _conversations.get(data.get("conversation_id") or session["open_conversation"])
    if conversation is None or conversation["visitor_id"] != visitor_id:
        conversation = {"id": next(_conversation_ids), "visitor_id": visitor_id, "last_seq": 0}
        _conversations[conversation["id"]] = conversation
        session["open_conversation"] = conversation["id"]
        socketio.emit("conversation:created", {"id": conversation["id"], "project_id": 1, "visitor_id": visitor_id,
                                               "status": "open", "event_id": next(_event_ids)},
                      to="project:1", namespace="/agent")
    conversation["last_seq"] += 1
    message = {
        "id": next(_message_ids), "conversation_id": conversation["id"], "seq": conversation["last_seq"],
        "sender_type": "visitor", "sender_id": visitor_id, "sender": None, "content": str(data.get("content", "")),
        "private": False, "client_msg_id": data["client_msg_id"],
        "created_at": datetime.now(timezone.utc).isoformat(), "attachments": [],
    }
    event_id = next(_event_ids)
    socketio.emit("message:new", {"event_id": event_id, "project_id": 1, "message": message}, to="project:1",
                  namespace="/agent")
    socketio.emit("message:new", {"event_id": event_id, "message": message}, to=f"visitor:{visitor_id}",
                  namespace="/widget")
    return {"ok": True, "message": message}
