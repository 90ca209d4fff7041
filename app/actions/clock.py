"""The clock of the time-based triggers: real time, moved forward by ACTIONS_CLOCK_OFFSET_SECONDS.

Tests move it (app.config) instead of sleeping through "no reply within N minutes".
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.core.db import utcnow


def now() -> datetime:
    """The current time as the rule engine sees it (UTC, aware)."""
    return utcnow() + timedelta(seconds=float(current_app.config.get("ACTIONS_CLOCK_OFFSET_SECONDS", 0)))
