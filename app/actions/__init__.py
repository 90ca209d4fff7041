"""Automation rules ("actions"): triggers, conditions and effects run by workers from the outbox."""
from __future__ import annotations

from flask import Flask

from app.actions import jobs as actions_jobs
from app.core import jobs as core_jobs
from app.core import outbox


def init_app(app: Flask) -> None:
    """Subscribe the engine to the outbox and schedule the time-based triggers' tick."""
    app.config.setdefault("ACTIONS_CLOCK_OFFSET_SECONDS", 0.0)
    outbox.subscribe("actions", actions_jobs.handle_outbox)
    core_jobs.every(app, app.config["ACTIONS_TICK_SECONDS"], actions_jobs.TICK)
