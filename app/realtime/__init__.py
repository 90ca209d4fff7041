"""Real-time gateway: the /widget and /agent Socket.IO namespaces and the fan-out of outbox events to them."""
from __future__ import annotations

from flask import Flask

from app.extensions import socketio
from app.presence.service import AGENT_NAMESPACE, WIDGET_NAMESPACE
from app.realtime import fanout
from app.visitors import limits
from app.realtime.agent import AgentNamespace
from app.realtime.widget import WidgetNamespace


def init_app(app: Flask) -> None:
    """Bind Socket.IO to the app, register both namespaces and subscribe the fan-out to the relay.

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
    limits.init_app(app)  # the widget's abuse limits (visitors), which the gateway enforces
