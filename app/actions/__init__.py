"""Automation rules ("actions"): triggers, conditions and effects run by workers from the outbox."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Subscribe the engine to the outbox and schedule the time-based triggers' tick."""
    from app.actions import jobs as actions_jobs
    from app.core import jobs, outbox

    app.config.setdefault("ACTIONS_CLOCK_OFFSET_SECONDS", 0.0)
    outbox.subscribe("actions", actions_jobs.handle_outbox)
    jobs.every(app, app.config["ACTIONS_TICK_SECONDS"], actions_jobs.TICK)
