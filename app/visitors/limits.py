"""Abuse limits on anonymous widget traffic, moving windows shared by every web process (Redis).

Each message counts against its visitor, its address's share of the project and
the project: the address share (WIDGET_IP_MESSAGE_RATE, a tenth of the project cap
by default) keeps one address, however many visitors it opens, from using up the
project's cap for everybody else. New visitors per address and project, new
conversations and uploads per visitor are limited the same way. A refusal is a
`TooManyRequests` (429 / `rate_limited`) whose details carry `retry_after` seconds.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import TooManyRequests

_EXTENSION = "livechat_widget_limits"


def init_app(app: Flask) -> None:
    """Redis-backed in production (shared by every web process), memory in embedded mode."""
    storage = storage_from_string(app.config["REDIS_URL"] or "memory://")
    app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage)


def _admit(message: str, *checks: tuple[str, str, tuple[str, ...]]) -> None:
    """Count one hit on every (setting, name, key) when all have room; else refuse, counting none."""
    limiter: MovingWindowRateLimiter = current_app.extensions[_EXTENSION]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "livechat")
    items: list[tuple[RateLimitItem, tuple[str, ...]]] = [
        (parse(current_app.config[setting]), (prefix, name, *key)) for setting, name, key in checks
    ]
    for item, key in items:
        if not limiter.test(item, *key):
            reset_at, _ = limiter.get_window_stats(item, *key)
            retry_after = max(1, math.ceil(reset_at - time.time()))
            raise TooManyRequests(f"{message} Try again in {retry_after} s.", code="rate_limited",
                                  details={"retry_after": retry_after})
    for item, key in items:
        limiter.hit(item, *key)


def admit_visitor_message(project_key: str, visitor_id: int, address: str | None) -> None:
    """Count one widget message against the visitor, its address's share and the project, or raise.

    Keys use the project's public key, which is never reused, rather than ids a restore could recycle.
    """
    _admit(
        "You are sending messages too fast; wait a moment.",
        ("WIDGET_VISITOR_MESSAGE_RATE", "widget-visitor", (project_key, str(visitor_id))),
        ("WIDGET_IP_MESSAGE_RATE", "widget-address", (project_key, address or "-")),
        ("WIDGET_PROJECT_MESSAGE_RATE", "widget-project", (project_key,)),
    )


def allow_visitor_message(project_key: str, visitor_id: int, address: str | None = None) -> bool:
    """admit_visitor_message as a yes/no."""
    try:
        admit_visitor_message(project_key, visitor_id, address)
    except TooManyRequests:
        return False
    return True


def admit_new_visitor(project_key: str, address: str | None) -> None:
    """Count one new visitor of a project from an address, or raise (resuming visitors are not counted)."""
    _admit("Too many new chats from your network; try again later.",
           ("WIDGET_NEW_VISITOR_RATE", "widget-new-visitor", (project_key, address or "-")))


def admit_new_conversation(project_key: str, visitor_id: int) -> None:
    """Count one `conversation:new` of a visitor, or raise."""
    _admit("You are starting conversations too fast; wait a moment.",
           ("WIDGET_NEW_CONVERSATION_RATE", "widget-new-conversation", (project_key, str(visitor_id))))


def admit_visitor_upload(project_id: int, visitor_key: str) -> None:
    """Count one upload of a visitor (its address is limited by the route's own limit), or raise."""
    _admit("You are uploading files too fast; wait a moment.",
           ("WIDGET_VISITOR_UPLOAD_RATE", "widget-visitor-upload", (str(project_id), visitor_key)))
