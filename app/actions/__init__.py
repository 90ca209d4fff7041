"""Automation rules ("actions"): triggers, conditions and effects run by workers from the outbox."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Settings of the engine, and its outbox subscription once the core offers one."""
    app.config.setdefault("ACTIONS_CLOCK_OFFSET_SECONDS", 0.0)
