"""The retention job."""
from __future__ import annotations

import logging

from app.audit import service

log = logging.getLogger(__name__)


def purge_expired() -> None:
    """Delete audit entries past their project's retention; idempotent."""
    removed = service.purge_expired()
    if removed:
        log.info("audit retention removed %d entries", removed)
