"""The inbox's jobs: periodic wake-ups of snoozed conversations."""
from __future__ import annotations

from flask import Flask

from app.core import jobs
from app.inbox import service

WAKE_SNOOZED = "app.inbox.jobs.wake_snoozed"


def wake_snoozed() -> int:
    """Reopen every conversation whose snooze has ended (idempotent); returns how many."""
    return service.wake_snoozed()


def init_app(app: Flask) -> None:
    """Schedule the snooze wake-ups on the core's periodic seam."""
    jobs.every(app, app.config["SNOOZE_WAKE_SECONDS"], WAKE_SNOOZED)
