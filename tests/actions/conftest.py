"""Fixtures of the automation rules' tests: rules through the API, the outbox handed to the engine."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

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


class Outbox:
    """Hands committed outbox records to the engine's subscriber, as the outbox dispatcher does."""

    def __init__(self, app) -> None:
        self.app = app
        self.seen: set[int] = set()

    def records(self) -> list[SimpleNamespace]:
        from app.core.models import OutboxEvent
        from app.extensions import db

        with self.app.app_context():
            rows = db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
            records = [SimpleNamespace(id=r.id, project_id=r.project_id, event_type=r.event_type,
                                       payload=r.payload, created_at=r.created_at)
                       for r in rows if r.id not in self.seen]
            db.session.remove()
        return records

    def dispatch(self) -> int:
        """Call the subscriber for every new record, then commit (queued jobs start then)."""
        from app.actions import jobs
        from app.extensions import db

        records = self.records()
        with self.app.app_context():
            for record in records:
                jobs.handle_outbox(record)
                self.seen.add(record.id)
            db.session.commit()
            db.session.remove()
        return len(records)

    def _snapshot(self) -> tuple:
        from sqlalchemy import func

        from app.actions.models import ActionRun
        from app.core.models import OutboxEvent
        from app.extensions import db

        with self.app.app_context():
            snapshot = (db.session.scalar(select(func.max(OutboxEvent.id))),
                        db.session.scalar(select(func.count()).select_from(ActionRun)))
            db.session.remove()
        return snapshot

    def settle(self, quiet: float = 1.0, timeout: float = 60.0) -> None:
        """Wait until the engine has nothing left to do: every record handed over, no new record or
        run for `quiet` seconds (effects cause records, which may trigger further rules)."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            handed = self.dispatch()
            snapshot = self._snapshot()
            if handed or snapshot != last:
                last, since = snapshot, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.1)
        raise AssertionError(f"the engine did not settle within {timeout}s")


@pytest.fixture
def outbox(app, rq_worker):
    """The outbox as the engine's subscriber sees it (jobs run in-process or on the RQ worker)."""
    return Outbox(app)


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


# Real sockets against the live server (the realtime suite's fixtures).
from tests.realtime.conftest import connect_agent, connect_widget, rest, sockets, unused_ids  # noqa: E402,F401


@pytest.fixture
def settle(app, outbox):
    """Until the outbox subscriber seam is on main the test hands records to the engine itself.

    Jobs then run in this process (embedded) or on the RQ worker (production); with the
    test app's fast path off, the live server's relay is the one that emits their events.
    """
    saved = app.config["REALTIME_FAST_PATH"]
    app.config["REALTIME_FAST_PATH"] = False
    yield outbox.dispatch
    app.config["REALTIME_FAST_PATH"] = saved


def needs_shared_presence(app) -> None:
    """Until the seam lands, embedded-mode jobs run in the test process, which cannot see the live server's
    in-memory presence (production shares it through Redis)."""
    if app.config["BACKEND"] == "sqlite":
        pytest.skip("embedded mode needs the outbox subscriber seam for presence-dependent rules")
