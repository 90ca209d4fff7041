"""The engine's entry points in workers: the outbox subscriber, the rule job and the periodic tick."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from app.actions import clock, engine, timers
from app.actions.models import ActionRule, ActionRun
from app.actions.schemas import TIME_TRIGGERS
from app.core import jobs
from app.extensions import db
from app.inbox import service as inbox

log = logging.getLogger(__name__)

RUN_EVENTS = "app.actions.jobs.run_events"
TICK = "app.actions.jobs.tick"


def handle_outbox(record) -> None:
    """Outbox subscriber: keep no-reply timers and queue rule evaluation; never runs an effect itself.

    Called in the dispatcher's transaction (it commits, then the queued job starts), at
    least once per record: the job is idempotent per (rule, event).
    """
    events = engine.events_from_record(record.id, record.project_id, record.event_type, record.payload or {})
    if not events:
        return
    types = set(db.session.scalars(
        select(ActionRule.trigger_type).where(ActionRule.project_id == record.project_id,
                                              ActionRule.enabled.is_(True)).distinct()))
    if not types:
        return
    if record.event_type == "message.created" and types.intersection(TIME_TRIGGERS):
        timers.track_message(record.project_id, record.payload["conversation_id"], record.payload["message"])
    wanted = [event.as_dict() for event in events if event.type in types and event.hops < engine.MAX_HOPS]
    if wanted:
        jobs.enqueue(RUN_EVENTS, wanted)


def run_events(events: list[dict]) -> int:
    """The job: run every matching rule for each event; returns how many runs happened."""
    total = 0
    for data in events:
        total += len(engine.run_event(engine.Event(**data)))
    return total


RUN_RETENTION = timedelta(days=30)
PRUNE_BATCH = 5000


def prune_runs(now) -> int:
    """Forget runs older than RUN_RETENTION (a bounded batch per tick). Commits.

    Old keys are safe to drop: outbox records are pruned long before, and the
    scheduler never looks that far back.
    """
    old = list(db.session.scalars(select(ActionRun.id).where(ActionRun.created_at < now - RUN_RETENTION)
                                  .order_by(ActionRun.id).limit(PRUNE_BATCH)))
    if old:
        db.session.execute(delete(ActionRun).where(ActionRun.id.in_(old)))
    db.session.commit()
    return len(old)


def tick() -> int:
    """The periodic job: wake snoozed conversations, fire the no-reply rules that became due, prune old runs."""
    now = clock.now()
    try:
        inbox.wake_snoozed(now)
    except Exception:
        db.session.rollback()
        log.exception("waking snoozed conversations failed")
    rule_ids = list(db.session.scalars(select(ActionRule.id).where(
        ActionRule.trigger_type.in_(TIME_TRIGGERS), ActionRule.enabled.is_(True)).order_by(ActionRule.id)))
    total = 0
    for rule_id in rule_ids:
        rule = db.session.get(ActionRule, rule_id)
        if rule is None:
            continue
        events, reached = timers.due_events(rule, now)
        db.session.rollback()  # nothing written yet; the runs below commit one by one
        for event in events:
            try:
                if engine.run_rule(rule_id, event, still_due=timers.still_waiting) is not None:
                    total += 1
            except Exception:
                db.session.rollback()
                log.exception("rule %s failed on %s", rule_id, event.key)
        rule = db.session.get(ActionRule, rule_id)
        if rule is not None:
            rule.scanned_until = reached
            db.session.commit()
    prune_runs(now)
    return total
