"""The retention job: run from the outbox relay's periodic sweep, at most once an hour per deployment."""
from __future__ import annotations

import logging
import time

from flask import current_app

from app.audit import service
from app.extensions import db

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600
_LAST_RUN = "livechat_audit_purged_at"


def purge_expired() -> None:
    """Delete audit entries past their project's retention; idempotent."""
    removed = service.purge_expired()
    if removed:
        log.info("audit retention removed %d entries", removed)


def _is_due() -> bool:
    from app.core.jobs import _EXTENSION

    redis = getattr(current_app.extensions.get(_EXTENSION), "redis", None)
    if redis is not None:
        # Many workers sweep; one Redis key (per deployment) lets a single one purge each hour.
        key = f"livechat:audit-purge:{current_app.config['SOCKETIO_CHANNEL']}"
        return bool(redis.set(key, "1", nx=True, ex=INTERVAL_SECONDS))
    last = current_app.extensions.get(_LAST_RUN)
    if last is not None and time.monotonic() - last < INTERVAL_SECONDS:
        return False
    current_app.extensions[_LAST_RUN] = time.monotonic()
    return True


def purge_if_due() -> None:
    """The periodic hook: purge when an hour has passed since the last purge; never raises."""
    try:
        if _is_due():
            purge_expired()
    except Exception:
        db.session.rollback()
        log.exception("audit retention failed; retrying on a later sweep")
