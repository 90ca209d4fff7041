"""Liveness and readiness probes."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from redis import Redis
from sqlalchemy import text

from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """The process can serve: the database answers, and Redis when configured; not while it shuts down."""
    from app.core import lifecycle  # lifecycle is optional at import

    checks: dict[str, str] = {}
    if lifecycle.is_draining(current_app):
        checks["process"] = "shutting down"
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"error: {type(error).__name__}"
    finally:
        db.session.rollback()
    if current_app.config["REDIS_URL"]:
        try:
            Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", "checks": checks}), 200 if ready else 503
