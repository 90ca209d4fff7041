"""RQ jobs of webhooks (queue "webhooks"), and where the module plugs into the outbox and the scheduler."""
from __future__ import annotations

from flask import Flask

from app.core import jobs, outbox
from app.webhooks import service

RESUME_STUCK = "app.webhooks.jobs.resume_stuck"


def attempt_delivery(delivery_id: int, is_manual: bool = False) -> None:
    """One attempt of a delivery; finished deliveries are left alone."""
    service.attempt(delivery_id, is_manual)


def resume_stuck() -> int:
    """Queue again deliveries whose job was lost (a worker killed mid-delivery); returns how many."""
    return service.resume_stuck()


def init_app(app: Flask) -> None:
    """Hear every committed outbox row (durable subscriber) and sweep for lost delivery jobs."""
    outbox.subscribe("webhooks", service.fan_out)
    jobs.every(app, app.config["WEBHOOK_RESUME_SECONDS"], RESUME_STUCK, queue="webhooks")
