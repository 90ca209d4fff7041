"""The Socket.IO gateway's shared plumbing: the handler wrapper, strikes and the presence refresher.

Handlers stay thin: check the socket's identity, parse with the inbox
schemas, call a service, answer with an ack `{ok: true, ...}` or
`{ok: false, error: {code, message, details}}`. Bad input never reaches the
database and never takes the server down; a socket that keeps sending garbage
is disconnected with a reason.
"""
from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Any, Callable

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, Namespace
from pydantic import BaseModel

from app.core import metrics
from app.core.errors import APIError, ServiceUnavailable, envelope, is_outage, outage_reason, rollback_quietly
from app.core.validation import parse
from app.extensions import db, socketio
from app.presence import service as presence

log = logging.getLogger(__name__)

TYPING_INTERVAL_SECONDS = 2.0
MAX_STRIKES = 20
# How long a socket that must go stays for the error ack of its last event to get out first.
ACK_GRACE_SECONDS = 0.2
# Errors meaning the socket's visitor or account no longer exists: answered, then the socket is closed.
IDENTITY_GONE = frozenset({"visitor_not_found", "invalid_token"})


def error_ack(code: str, message: str, details: dict | None = None) -> dict:
    """The ack of a failed event."""
    return {"ok": False, **envelope(code, message, details)}


def refuse(code: str, message: str) -> ConnectionRefusedError:
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
                elif error.code != "overloaded":  # the server's state, not the client's fault: no strike
                    self.strike()
                return error_ack(error.code, error.message, error.details)
            except Exception as error:
                if is_outage(error):  # the database or Redis is restarting: a clean, retryable error ack
                    rollback_quietly()
                    log.warning("socket handler %s: service unavailable (%s)", fn.__name__, outage_reason(error))
                    return error_ack(ServiceUnavailable.code, ServiceUnavailable.message)
                db.session.rollback()
                log.exception("socket handler %s failed", fn.__name__)
                return error_ack("internal_error", "Something went wrong on our side.")

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
            try:
                return super().trigger_event(event, *args)
            except Exception as error:
                if not is_outage(error):
                    raise
                # The database or Redis is restarting or saturated (a reconnect storm): refuse at once, as a
                # retryable error the clients back off from, rather than leave the handshake unanswered.
                rollback_quietly()
                log.warning("socket %s on %s: service unavailable (%s)", event, self.namespace, outage_reason(error))
                if event == "connect":
                    raise refuse(ServiceUnavailable.code, ServiceUnavailable.message) from None
                return None
        method = "on_" + (event or "").replace(":", "_")
        if not event or not all(c.isalnum() or c in ":_" for c in event) or not hasattr(self, method):
            return self._unknown(event, *args)
        return super().trigger_event(event.replace(":", "_"), *args)

    def _unknown(self, event: str, sid: str, *args) -> dict:
        self._strike_sid(sid)
        return error_ack("unknown_event", f"Unknown event {str(event)[:64]!r}.")

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
        metrics.socket_connected(self.namespace)
        self._start_refresher()
        return presence.connect(self.kind, key, request.sid)

    def untrack(self) -> tuple[int | None, bool]:
        """Forget this socket; (key, went offline)."""
        key = self.live.pop(request.sid, None)
        if key is None:
            return None, False
        metrics.socket_disconnected(self.namespace)
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
