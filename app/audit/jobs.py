"""The retention job, run hourly on the core's periodic seam."""
from __future__ import annotations

import logging

from flask import Flask

from app.audit import service
from app.core import jobs

log = logging.getLogger(__name__)

PURGE_EXPIRED = "app.audit.jobs.purge_expired"
INTERVAL_SECONDS = 3600


def purge_expired() -> int:
    """Delete audit entries past their project's retention; idempotent. Returns how many went."""
    removed = service.purge_expired()
    if removed:
        log.info("audit retention removed %d entries", removed)
    return removed


def init_app(app: Flask) -> None:
    """Schedule the retention job (once an hour across processes)."""
    jobs.every(app, INTERVAL_SECONDS, PURGE_EXPIRED)
