"""Abuse limits on anonymous widget traffic: messages per visitor and per project, moving window."""
from __future__ import annotations

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_EXTENSION = "livechat_widget_limits"


def init_app(app: Flask) -> None:
    """Redis-backed in production (shared by every web process), memory in embedded mode."""
    storage = storage_from_string(app.config["REDIS_URL"] or "memory://")
    app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage)


def allow_visitor_message(project_key: str, visitor_id: int) -> bool:
    """Count one widget message; False once the visitor or the project is over its limit.

    Keys use the project's public key, which is never reused, rather than ids a restore could recycle.
    """
    limiter = current_app.extensions[_EXTENSION]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "livechat")
    per_visitor = parse(current_app.config["WIDGET_VISITOR_MESSAGE_RATE"])
    per_project = parse(current_app.config["WIDGET_PROJECT_MESSAGE_RATE"])
    if not limiter.hit(per_visitor, prefix, "widget-visitor", project_key, str(visitor_id)):
        return False
    return limiter.hit(per_project, prefix, "widget-project", project_key)
