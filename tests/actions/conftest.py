"""Fixtures of the automation rules' tests: rules through the API, and waiting for the engine.

The engine hears the outbox through the relay's dispatcher, which runs beside the
tests: in the live server's process in embedded mode (it shares the SQLite file),
in `worker.py` in production.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

# Real sockets against the live server (the realtime suite's fixtures).
from tests.realtime.conftest import connect_agent, connect_widget, rest, sockets, unused_ids  # noqa: F401

# A webhook receiver on loopback and endpoints for it (the webhooks suite's fixtures).
from tests.webhooks.conftest import make_webhook, receiver  # noqa: F401

BILLING_RULE = {
    "name": "Tag billing questions",
    "trigger": {"type": "message.created", "sender": "visitor"},
    "conditions": [{"field": "message.content", "operator": "contains", "value": "invoice, refund"}],
    "effects": [{"type": "add_tag", "tag": "billing"}],
}


@pytest.fixture
def make_rule(api):
    """Create a rule through the API as `manager`; returns its body."""

    def make(project: dict, manager: dict, **rule) -> dict:
        body = {**BILLING_RULE, **rule}
        response = api.post(f"/projects/{project['id']}/actions", json=body, token=manager["access_token"])
        assert response.status_code == 201, response.json
        return response.json

    return make


class Engine:
    """What the dispatcher and the rule jobs have done so far, seen from the database."""

    def __init__(self, app) -> None:
        self.app = app

    def _state(self) -> tuple[int | None, int, int]:
        from app.actions.models import ActionRun
        from app.core.models import OutboxEvent
        from app.extensions import db

        with self.app.app_context():
            state = (db.session.scalar(select(func.max(OutboxEvent.id))),
                     db.session.scalar(select(func.count()).select_from(ActionRun)),
                     db.session.scalar(select(func.count()).select_from(OutboxEvent)
                                       .where(OutboxEvent.dispatched_at.is_(None))))
            db.session.remove()
        return state

    def _jobs_pending(self) -> int:
        """Rule jobs queued or running on the RQ worker (production); the embedded ones are quick."""
        url = self.app.config["REDIS_URL"]
        if not url:
            return 0
        from redis import Redis
        from rq import Queue
        from rq.registry import StartedJobRegistry

        connection = Redis.from_url(url)
        queue = Queue("default", connection=connection)
        return queue.count + StartedJobRegistry(queue=queue).count

    def settle(self, quiet: float = 1.0, timeout: float = 60.0) -> None:
        """Wait until every record is dispatched and no new record or run appeared for `quiet` seconds
        (effects cause records, which may trigger further rules)."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            state = self._state()
            if state != last or state[2] or self._jobs_pending():
                last, since = state, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.1)
        raise AssertionError(f"the engine did not settle within {timeout}s (last: {last})")


@pytest.fixture
def outbox(app, live_server, rq_worker):
    """The engine at work beside the tests (a live server, and the RQ worker in production)."""
    return Engine(app)


def eventually(check, timeout: float = 20.0):
    """Poll `check()` until it returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        time.sleep(0.1)
