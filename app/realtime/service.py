"""What other modules may ask of the realtime gateway."""
from __future__ import annotations

from app.extensions import socketio
from app.realtime import presence

AGENT_NAMESPACE = "/agent"


def disconnect_agent(user_id: int) -> None:
    """Close every dashboard socket of `user_id`, on whichever web process holds it.

    An agent's socket joins its projects' rooms when it connects; after a
    membership is removed it must stop hearing that project at once. The
    dashboard reconnects by itself and joins only the projects it still has.
    """
    for sid in presence.socket_ids(presence.AGENT, user_id):
        # Through the Socket.IO message queue this reaches the process that holds the socket.
        socketio.server.disconnect(sid, namespace=AGENT_NAMESPACE)
