"""Logging: one JSON object per line in production, with the request's id, project and user where known.

What is logged is chosen so that no secret or conversation leaks: requests are
logged by route (`/api/v1/invitations/<token>/accept`), never by raw path or
query string, and never with their bodies or headers.
"""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("livechat.access")


class _RequestContext(logging.Filter):
    """Adds request_id, project_id and user_id to every record made while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            project_id = (request.view_args or {}).get("project_id")
            if project_id is not None:
                record.project_id = project_id
            principal = g.get("principal")
            user = getattr(principal, "user", None)
            if user is not None:
                record.user_id = user.id
        return True


def _handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        ))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RequestContext())
    return handler


def request_id() -> str | None:
    """The id of the request being served (the proxy's X-Request-ID when it sent a sane one)."""
    return g.get("request_id") if has_request_context() else None


def init_app(app: Flask) -> None:
    """Configure the root logger once per process, and give every request an id."""
    # basicConfig does nothing where logging is already set up (a test runner, an embedding app).
    logging.basicConfig(level=logging.INFO, handlers=[_handler(app.config.get("LOG_FORMAT", "text"))])
    if app.config.get("LOG_FORMAT") == "json":
        # The WebSocket server's own access lines (raw paths, query strings included) give way to ours.
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)

    @app.before_request
    def _assign_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.log_started = time.monotonic()

    @app.after_request
    def _log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.pop("log_started", None)
        if started is not None and app.config.get("LOG_FORMAT") == "json":
            access_log.info("request", extra={
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule is not None else None,
                "endpoint": request.url_rule.endpoint if request.url_rule is not None else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 2),
            })
        return response
