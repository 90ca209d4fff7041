"""Abuse limits on anonymous widget traffic: messages per visitor and per project, moving window."""
from __future__ import annotations

import logging

from flask import Flask, current_app
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

_EXTENSION = "livechat_widget_limits"
_FALLBACK = "livechat_widget_limits_fallback"


def init_app(app: Flask) -> None:
    """Redis-backed in production (shared by every web process), memory in embedded mode.

    While Redis is unreachable (a restart) each process counts in its own memory: the limits still hold
    per process, and visitors are neither refused wholesale nor let through unlimited.
    """
    storage = storage_from_string(app.config["REDIS_URL"] or "memory://")
    app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage)
    app.extensions[_FALLBACK] = MovingWindowRateLimiter(MemoryStorage())


def allow_visitor_message(project_key: str, visitor_id: int) -> bool:
    """Count one widget message; False once the visitor or the project is over its limit.

    Keys use the project's public key, which is never reused, rather than ids a restore could recycle.
    """
    try:
        return _hit(current_app.extensions[_EXTENSION], project_key, visitor_id)
    except Exception as error:  # noqa: BLE001 - Redis unreachable: count in this process meanwhile
        from app.core.errors import is_outage

        if not is_outage(error):
            raise
        log.warning("rate limits: Redis unreachable, counting in memory meanwhile")
        return _hit(current_app.extensions[_FALLBACK], project_key, visitor_id)


def _hit(limiter: MovingWindowRateLimiter, project_key: str, visitor_id: int) -> bool:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "livechat")
    per_visitor = parse(current_app.config["WIDGET_VISITOR_MESSAGE_RATE"])
    per_project = parse(current_app.config["WIDGET_PROJECT_MESSAGE_RATE"])
    if not limiter.hit(per_visitor, prefix, "widget-visitor", project_key, str(visitor_id)):
        return False
    return limiter.hit(per_project, prefix, "widget-project", project_key)
