"""The relay leaves a row to the web process that will emit it, while that process lives.

Under load a web process stamps its fast-path rows published late; if the relay
emitted every late row again, agents would get each message twice (and the
extra emits would load the server further). Rows name their emitter; the relay
emits only rows nobody else will.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.core.models import OutboxEvent
from app.core.relay import drain, emitters
from app.extensions import db


@pytest.fixture
def project_id(make_project):
    project, _ = make_project(name="Relay Co")
    return project["id"]


def _row(project_id: int, emitter: str | None, age: float) -> int:
    row = OutboxEvent(project_id=project_id, event_type="test.event", payload={}, attempts=0, emitter=emitter,
                      created_at=utcnow() - timedelta(seconds=age))
    db.session.add(row)
    db.session.flush()
    return row.id


def _published(ids: list[int]) -> dict[int, bool]:
    rows = db.session.execute(select(OutboxEvent.id, OutboxEvent.published_at).where(OutboxEvent.id.in_(ids)))
    return {row.id: row.published_at is not None for row in rows}


def test_the_relay_emits_only_rows_no_live_process_will_emit(app, project_id):
    with app.app_context():
        me = emitters.name(app)
        assert me is not None
        late = app.config["RELAY_EMITTER_GRACE_SECONDS"]
        mine = _row(project_id, me, age=5)  # stamping late, but this process lives: left to it
        mine_new = _row(project_id, me, age=0)
        orphan = _row(project_id, "gone-host:4242:dead", age=5)  # its process died before emitting
        unnamed = _row(project_id, None, age=5)  # no fast path (or given up)
        ancient = _row(project_id, me, age=late + 5)  # the last resort
        db.session.commit()

        drain.drain(timedelta(seconds=1))  # in production the session's workers may take some rows first
        assert _published([mine, mine_new, orphan, unnamed, ancient]) == {
            mine: False, mine_new: False, orphan: True, unnamed: True, ancient: True}
        db.session.remove()


def test_a_row_whose_emit_failed_is_given_to_the_relay(app, project_id):
    from app.core.relay import fast_path

    with app.app_context():
        me = emitters.name(app)
        row = _row(project_id, me, age=5)
        db.session.commit()
        drain.drain(timedelta(seconds=1))
        assert _published([row]) == {row: False}

        stamper = fast_path._Stamper(app)
        stamper.add(row, emitted=False)
        stamper.flush()
        assert db.session.scalar(select(OutboxEvent.emitter).where(OutboxEvent.id == row)) is None
        drain.drain(timedelta(seconds=1))  # or one of the session's workers did
        db.session.expire_all()
        assert _published([row]) == {row: True}
        db.session.remove()
