"""A web process's graceful exit: finish the sends under way, then send every socket elsewhere.

gunicorn's SIGTERM handling closes the listening socket and waits up to
`graceful_timeout` for open connections to end, but chat sockets never end by
themselves, so the worker would sit out the whole timeout and then cut them
mid-send. `drain()` (called by gunicorn.conf.py once the worker stops accepting)
marks the process not ready, waits for in-flight sends to commit and ack, then
closes every Engine.IO connection at the transport level: clients see a dropped
transport (not a server "disconnect" or an Engine.IO "close", after either of
which a client would stay away), reconnect through the proxy to another
process and resume by `seq`. A send whose ack the close still cut off is
retried by its client with the same `client_msg_id` and answered with the
stored message.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from socket import SHUT_RDWR
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask, current_app

log = logging.getLogger(__name__)

_STATE = "livechat_lifecycle"


@dataclass
class _Lifecycle:
    """One process's exit state, kept in `app.extensions`."""

    is_draining: bool = False
    in_flight: int = 0
    websockets: dict[int, Any] = field(default_factory=dict)  # id → gevent-websocket's WebSocket


def _state(app: Flask) -> _Lifecycle:
    state: _Lifecycle = app.extensions.setdefault(_STATE, _Lifecycle())
    return state


def is_draining(app: Flask | None = None) -> bool:
    """True once this process has started its graceful exit."""
    return _state(app or current_app).is_draining


@contextmanager
def send_in_flight() -> Iterator[None]:
    """Wrap a send that must commit and ack before the process may drop its sockets."""
    state = _state(current_app)
    state.in_flight += 1
    try:
        yield
    finally:
        state.in_flight -= 1


def drain(app: Flask, timeout: float) -> None:
    """Stop being ready, let in-flight sends finish (at most `timeout` s), then close every socket.

    Closing repeats until the process ends (or `timeout` more seconds pass).
    """
    from app.extensions import socketio  # the server exists once the app is built

    state = _state(app)
    state.is_draining = True
    deadline = time.monotonic() + timeout
    while state.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    server = getattr(socketio, "server", None)
    log.info("graceful exit: %d send(s) still in flight, closing %d socket(s) so they reconnect elsewhere",
             state.in_flight, len(server.eio.sockets) if server is not None else 0)
    # Until gunicorn sees no connection left and ends the process: a connection that was being accepted
    # or upgraded during the first pass is closed on a later one.
    while time.monotonic() < deadline + timeout:
        _close_connections(server, state)
        time.sleep(0.5)


def _close_connections(server: Any, state: _Lifecycle) -> None:
    if server is not None:
        for socket in list(server.eio.sockets.values()):
            # abort: no Engine.IO "close" packet, after which clients would not reconnect; the transport just ends.
            socket.close(wait=False, abort=True)
        # The WebSocket close frames are on their way; give clients a moment to close their end.
        time.sleep(0.5)
    # A client that never closes its end would hold the process until gunicorn's timeout: end the TCP
    # connections ourselves.
    for websocket in list(state.websockets.values()):
        try:
            websocket.handler.socket.shutdown(SHUT_RDWR)
        except (AttributeError, OSError):
            pass  # already gone


class _TrackWebSockets:
    """WSGI middleware that remembers the open WebSocket connections, for `drain()`."""

    def __init__(self, wsgi_app: WSGIApplication, websockets: dict[int, Any]) -> None:
        self.wsgi_app = wsgi_app
        self.websockets = websockets

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        websocket = environ.get("wsgi.websocket")
        if websocket is None:
            return self.wsgi_app(environ, start_response)
        # The WebSocket's whole life is this one call: remembered for as long as it is open.
        self.websockets[id(websocket)] = websocket
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            self.websockets.pop(id(websocket), None)


def init_app(app: Flask) -> None:
    """Wrap the whole WSGI stack (Socket.IO's included) so drain() can find its WebSockets."""
    # Flask's documented way to add WSGI middleware; mypy only sees a method being replaced.
    app.wsgi_app = _TrackWebSockets(app.wsgi_app, _state(app).websockets)  # type: ignore[method-assign]
