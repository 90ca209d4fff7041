"""The engine's entry points in workers: the outbox subscriber, the rule job and the periodic tick."""
from __future__ import annotations

import logging

from sqlalchemy import select

from app.actions import clock, engine, timers
from app.actions.models import ActionRule
from app.actions.schemas import TIME_TRIGGERS
from app.core import jobs
from app.extensions import db

log = logging.getLogger(__name__)

RUN_EVENTS = "app.actions.jobs.run_events"


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


def tick() -> int:
    """The periodic job: wake snoozed conversations, then fire the no-reply rules that became due."""
    from app.inbox import service as inbox

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
    return total
