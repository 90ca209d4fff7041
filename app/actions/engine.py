"""The rule engine: turn outbox records into trigger events, evaluate conditions, run effects.

Runs in workers only (an RQ job in production, the in-process executor in embedded
mode), never on a request. Guarantees:

* idempotent per (rule, event): a run row is claimed under a unique constraint
  before any effect runs, so a retried job or a record dispatched twice runs
  nothing twice (effects run at most once);
* loop guard: while a rule's effects run, every event they cause carries
  `automation: {rule_ids, hops}` (app.core.outbox); a rule never reacts to an
  event its own effects (or an earlier rule of the same chain) caused, and a
  chain stops after MAX_HOPS;
* a failing effect is recorded (run error, rule's last_error) and the next
  effects still run.

Conditions are evaluated in Python over loaded rows; no condition value is
ever part of a query.
"""
from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.actions import clock
from app.actions.models import ActionRule, ActionRun
from app.actions.schemas import ATTRIBUTE_PREFIX, compile_pattern
from app.core.db import utcnow
from app.core.errors import APIError, NotFound
from app.core.outbox import ORIGIN_KEY
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import Conversation, Message
from app.inbox.schemas import ConversationUpdate
from app.presence import service as presence
from app.projects import service as projects
from app.projects.models import Project
from app.transcripts import service as transcripts
from app.users.models import User
from app.visitors import service as visitors
from app.visitors.models import Visitor
from app.webhooks import service as webhooks

log = logging.getLogger(__name__)

MAX_HOPS = 3
MAX_ERROR = 2000
# The event type of a rule's `call_webhook` delivery.
RULE_TRIGGERED = "automation.rule_triggered"


@dataclass(frozen=True)
class Event:
    """Something a rule may react to; `key` is unique per event (the runs table's idempotency key)."""
    key: str
    type: str
    project_id: int
    conversation_id: int | None = None
    visitor_id: int | None = None
    message_id: int | None = None
    sender: str | None = None
    origin: dict | None = None
    # For time-based events: the message seq that started the wait (still waiting is re-checked).
    since_seq: int | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-serialisable, for a job argument."""
        return asdict(self)

    @property
    def hops(self) -> int:
        return int((self.origin or {}).get("hops", 0))

    @property
    def chain(self) -> list[int]:
        return list((self.origin or {}).get("rule_ids", []))


def events_from_record(record_id: int, project_id: int, event_type: str, payload: dict) -> list[Event]:
    """The trigger events an outbox record stands for (none for most records)."""
    origin = payload.get("automation")
    base = {"project_id": project_id, "origin": origin}
    key = f"outbox:{record_id}"
    if event_type == "message.created":
        message = payload.get("message") or {}
        sender = message.get("sender_type")
        if sender not in ("visitor", "agent"):
            return []  # system lines ("assigned to …") are nobody's message
        if sender == "agent" and message.get("sender_id") is None:
            sender = "automation"  # sent by a rule: only "any" rules hear it (and never the rule itself)
        return [Event(key=key, type="message.created", conversation_id=payload.get("conversation_id"),
                      visitor_id=payload.get("visitor_id"), message_id=message.get("id"), sender=sender, **base)]
    if event_type in ("conversation.created", "conversation.updated"):
        conversation = payload.get("conversation") or {}
        changes = payload.get("changes") or {}
        common = {"conversation_id": conversation.get("id"), "visitor_id": payload.get("visitor_id"), **base}
        found = []
        if event_type == "conversation.created":
            found.append(Event(key=key, type="conversation.created", **common))
            if conversation.get("assignee_id"):
                found.append(Event(key=f"{key}:assigned", type="conversation.assigned", **common))
        if "status" in changes:
            found.append(Event(key=f"{key}:status", type="conversation.status_changed", **common))
        if (changes.get("assignee_id") or [None, None])[1] is not None:
            found.append(Event(key=f"{key}:assigned", type="conversation.assigned", **common))
        return found
    if event_type == "conversation.woke_up":
        return [Event(key=key, type="conversation.woke_up", conversation_id=payload.get("conversation_id"),
                      visitor_id=payload.get("visitor_id"), **base)]
    if event_type == "visitor.identified":
        return [Event(key=key, type="visitor.identified", visitor_id=payload.get("visitor_id"), **base)]
    return []


# --- context: what conditions look at, loaded once per event ----------------------

class Context:
    """The conversation, visitor and message of an event, loaded lazily from the event's project only."""
    def __init__(self, event: Event) -> None:

        self.event = event
        self.project = db.session.get(Project, event.project_id)
        self.conversation = None
        if event.conversation_id is not None:
            self.conversation = db.session.scalar(select(Conversation).where(
                Conversation.id == event.conversation_id, Conversation.project_id == event.project_id))
        visitor_id = self.conversation.visitor_id if self.conversation else event.visitor_id
        self.visitor = visitor_id and db.session.scalar(select(Visitor).where(
            Visitor.id == visitor_id, Visitor.project_id == event.project_id))
        if self.conversation is None and self.visitor is not None:
            # A visitor event acts on the visitor's current conversation, if any.
            self.conversation = db.session.scalar(
                select(Conversation).where(Conversation.visitor_id == self.visitor.id,
                                           Conversation.status != "resolved")
                .order_by(Conversation.id.desc()).limit(1))
        self.message = None
        if event.message_id is not None:
            self.message = db.session.scalar(select(Message).where(
                Message.id == event.message_id, Message.project_id == event.project_id))
        elif self.conversation is not None:
            # Other triggers look at what the visitor last wrote.
            self.message = db.session.scalar(
                select(Message).where(Message.conversation_id == self.conversation.id,
                                      Message.sender_type == "visitor")
                .order_by(Message.seq.desc()).limit(1))
        self._agents_online: int | None = None

    def agents_online(self) -> int:
        if self._agents_online is None:

            self._agents_online = len(presence.available_agents(projects.member_user_ids(self.event.project_id)))
        return self._agents_online

    def value(self, name: str):
        """The current value of a condition field (None when there is nothing to look at)."""
        conversation, visitor, message = self.conversation, self.visitor, self.message
        if name.startswith(ATTRIBUTE_PREFIX):
            attribute = (visitor.attributes or {}).get(name[len(ATTRIBUTE_PREFIX):]) if visitor else None
            return None if attribute is None else str(attribute)
        if name == "within_business_hours":

            return inbox.within_business_hours(inbox.settings_for(self.event.project_id), clock.now())
        if name == "agents.online":
            return self.agents_online()
        if name == "conversation.channel":
            # Every conversation starts in the widget today; the REST API only answers existing ones.
            return "widget" if conversation else None
        getters = {
            "message.content": lambda: message and message.content,
            "message.private": lambda: bool(message and message.is_private),
            "visitor.name": lambda: visitor and visitor.name,
            "visitor.email": lambda: visitor and visitor.email,
            "visitor.identifier": lambda: visitor and visitor.identifier,
            "visitor.identity_verified": lambda: bool(visitor and visitor.is_identity_verified),
            "visitor.browser": lambda: visitor and visitor.browser,
            "visitor.os": lambda: visitor and visitor.os,
            "page.url": lambda: visitor and visitor.page_url,
            "page.title": lambda: visitor and visitor.page_title,
            "conversation.status": lambda: conversation and conversation.status,
            "conversation.priority": lambda: conversation and conversation.priority,
            "conversation.tags": lambda: list(conversation.tags or []) if conversation else [],
            "conversation.assignee_id": lambda: conversation and conversation.assignee_id,
        }
        return getters[name]()


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _has_phrase(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i:i + size] == phrase for i in range(len(words) - size + 1))


def _contains(name: str, actual: str, expected: str) -> bool:
    """Message content: any of the comma-separated phrases, as whole words; other text: a substring."""
    if name == "message.content":
        words = _words(actual)
        return any(_has_phrase(words, _words(option)) for option in expected.split(","))
    return expected.casefold() in actual.casefold()


def condition_holds(condition: dict, context: Context) -> bool:
    """Evaluate one stored condition against the context; user text is only ever compared as data."""
    name, operator, expected = condition["field"], condition["operator"], condition["value"]
    actual = context.value(name)
    if operator == "is_set":
        return actual not in (None, "", [])
    if operator == "is_not_set":
        return actual in (None, "", [])
    if isinstance(actual, list):  # tags
        has = str(expected).casefold() in {str(item).casefold() for item in actual}
        return has if operator == "contains" else not has
    if operator in ("greater_than", "less_than"):
        if actual is None:
            return False
        return actual > expected if operator == "greater_than" else actual < expected
    if operator in ("equals", "not_equals"):
        if isinstance(actual, str) and isinstance(expected, str):
            same = actual.casefold() == expected.casefold()
        else:
            same = actual == expected
        return same if operator == "equals" else not same
    text = "" if actual is None else str(actual)
    if operator == "contains":
        return actual is not None and _contains(name, text, expected)
    if operator == "not_contains":
        return actual is None or not _contains(name, text, expected)
    if operator == "starts_with":
        return text.casefold().startswith(expected.casefold())
    if operator == "matches":
        # RE2 matches in time linear in the text; the pattern was checked when the rule was saved.
        return actual is not None and compile_pattern(expected).search(text) is not None
    raise ValueError(f"unknown operator {operator!r}")


def rule_matches(rule: ActionRule, context: Context) -> bool:
    """All (or any) of the rule's conditions hold; no conditions always match."""
    if not rule.conditions:
        return True
    results = (condition_holds(c, context) for c in rule.conditions)
    return all(results) if rule.match == "all" else any(results)


def _trigger_accepts(rule: ActionRule, event: Event) -> bool:
    """The trigger's own parameters (e.g. message.created from visitor or agent)."""
    if event.type == "message.created":
        sender = rule.trigger.get("sender", "visitor")
        return sender == "any" or sender == event.sender
    if event.type == "no_agent_reply" and rule.trigger.get("first_response_only"):
        return bool(event.extra.get("first_response"))
    return True


# --- effects -------------------------------------------------------------------

_VARIABLE = re.compile(r"\{\{\s*(visitor\.name|visitor\.email|agent\.name|project\.name)\s*\}\}")


def render(content: str, context: Context) -> str:
    """Fill the canned-response variables ({{visitor.name}}, {{visitor.email}}, {{agent.name}}, {{project.name}})."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "visitor.name":
            return (context.visitor and context.visitor.name) or ""
        if name == "visitor.email":
            return (context.visitor and context.visitor.email) or ""
        if name == "project.name":
            return context.project.name if context.project else ""
        assignee = context.conversation and context.conversation.assignee_id
        user = db.session.get(User, assignee) if assignee else None
        return user.name if user else ""

    return _VARIABLE.sub(value, content)


def webhook_data(rule: ActionRule, context: Context) -> dict:
    """The `data` of a rule's webhook call: the rule, what fired it, and the conversation, visitor and message
    as agents see them (a private note's text only goes to endpoints that subscribe to notes, so not here)."""
    message = context.message if context.event.message_id is not None else None
    return {
        "rule": {"id": rule.id, "name": rule.name},
        "trigger": context.event.type,
        "conversation": inbox.conversation_body(context.conversation) if context.conversation else None,
        "visitor": visitors.visitor_summary(context.visitor) if context.visitor else None,
        "message": inbox.message_body(message) if message is not None and not message.is_private else None,
    }


class EffectFailed(Exception):
    """An effect that could not be carried out; its message goes to the run and the rule."""

def apply_effect(effect: dict, rule: ActionRule, context: Context) -> None:
    """Carry out one effect through the inbox service (which commits)."""
    project, conversation = context.project, context.conversation
    if conversation is None:
        raise EffectFailed("there is no conversation to act on")
    kind = effect["type"]
    actor = f'Automation rule "{rule.name}"'

    def update(**fields) -> None:
        inbox.update_conversation(project, conversation.id, None, ConversationUpdate(**fields), actor_name=actor)

    if kind in ("send_message", "send_note"):
        inbox.send_automated_message(project, conversation.id, render(effect["content"], context),
                                     private=kind == "send_note",
                                     sender_name=project.name if kind == "send_message" else actor)
    elif kind == "assign" and effect.get("strategy") == "round_robin":
        if inbox.assign_round_robin(project, conversation.id, actor) is None:
            raise EffectFailed("no agent is online and under capacity for round-robin")
    elif kind == "assign":
        if effect["agent_id"] not in projects.member_user_ids(project.id):
            raise EffectFailed(f"user {effect['agent_id']} is no longer a member of this project")
        update(assignee_id=effect["agent_id"])
    elif kind == "unassign":
        update(assignee_id=None)
    elif kind == "add_tag":
        tags = list(conversation.tags or [])
        if effect["tag"] not in tags:
            update(tags=tags + [effect["tag"]])
    elif kind == "remove_tag":
        tags = list(conversation.tags or [])
        if effect["tag"] in tags:
            update(tags=[t for t in tags if t != effect["tag"]])
    elif kind == "set_priority":
        update(priority=effect["priority"])
    elif kind == "set_status":
        if effect["status"] == "snoozed":
            update(status="snoozed", snoozed_until=clock.now() + timedelta(minutes=effect["minutes"]))
        else:
            update(status=effect["status"])
    elif kind == "email_transcript":
        transcripts.email_transcript(project, conversation.id)
    elif kind == "call_webhook":
        try:
            webhooks.send_event(project, effect["webhook_id"], RULE_TRIGGERED, webhook_data(rule, context))
        except NotFound:
            raise EffectFailed(f"webhook {effect['webhook_id']} is no longer an endpoint of this project") from None
    else:
        raise EffectFailed(f"the {kind} effect is not available")
    db.session.refresh(conversation)  # the next effect sees this one's result


# --- running ---------------------------------------------------------------------

def _claim(rule: ActionRule, event: Event) -> ActionRun | None:
    """The run row for (rule, event), committed before any effect; None when it exists already."""
    run = ActionRun(project_id=rule.project_id, rule_id=rule.id, event_key=event.key[:80], event_type=event.type,
                    conversation_id=event.conversation_id, matched=False, effects_done=[],
                    created_at=utcnow())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def run_rule(rule_id: int, event: Event, still_due=None) -> ActionRun | None:
    """Evaluate one rule for one event and run its effects in order; the run, or None when skipped.

    `still_due(event, context)` re-checks a time-based event before anything is recorded.
    """
    rule = db.session.get(ActionRule, rule_id)
    if rule is None or not rule.enabled or rule.project_id != event.project_id or rule.trigger_type != event.type:
        return None
    # Loop guard: never react to our own effects, nor to a chain that is long enough.
    if rule.id in event.chain or event.hops >= MAX_HOPS:
        return None
    if not _trigger_accepts(rule, event):
        return None
    context = Context(event)
    if context.project is None or (still_due is not None and not still_due(event, context)):
        db.session.rollback()
        return None
    run = _claim(rule, event)
    if run is None:
        return None  # done before (a retried job, a record dispatched twice)
    try:
        matched = rule_matches(rule, context)
    except Exception as error:  # a condition that cannot be evaluated is the rule's error, not the worker's
        log.exception("rule %s: conditions failed for %s", rule.id, event.key)
        matched, errors = False, [f"conditions: {error}"]
    else:
        errors = []
    done: list[str] = []
    if matched:
        db.session.info[ORIGIN_KEY] = {"rule_ids": event.chain + [rule.id], "hops": event.hops + 1}
        try:
            for index, effect in enumerate(rule.effects):
                try:
                    apply_effect(effect, rule, context)
                    done.append(effect["type"])
                except (APIError, EffectFailed, ValueError) as error:
                    db.session.rollback()
                    errors.append(f"effects[{index}] {effect['type']}: {error}")
                except Exception as error:
                    db.session.rollback()
                    log.exception("rule %s: effect %s failed for %s", rule.id, effect["type"], event.key)
                    errors.append(f"effects[{index}] {effect['type']}: {type(error).__name__}")
        finally:
            db.session.info.pop(ORIGIN_KEY, None)
    now = utcnow()
    error = "; ".join(errors)[:MAX_ERROR] or None
    db.session.execute(update(ActionRun).where(ActionRun.id == run.id).values(
        matched=matched, effects_done=done, error=error))
    values: dict = {}
    if matched:
        values.update(run_count=ActionRule.run_count + 1, last_run_at=now)
    if error:
        values.update(last_error=error, last_error_at=now)
    elif matched:
        values.update(last_error=None, last_error_at=None)
    if values:
        # One UPDATE with run_count + 1: concurrent runs of one rule do not lose counts.
        db.session.execute(update(ActionRule).where(ActionRule.id == rule.id).values(**values)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return run


def rules_for(project_id: int, trigger_type: str) -> list[int]:
    """Ids of the project's enabled rules for one trigger, in position order."""
    return list(db.session.scalars(
        select(ActionRule.id).where(ActionRule.project_id == project_id, ActionRule.trigger_type == trigger_type,
                                    ActionRule.enabled.is_(True))
        .order_by(ActionRule.position, ActionRule.id)))


def run_event(event: Event) -> list[ActionRun]:
    """Every enabled rule of the event's project and trigger, in position order."""
    if event.hops >= MAX_HOPS:
        return []
    runs = []
    for rule_id in rules_for(event.project_id, event.type):
        try:
            run = run_rule(rule_id, event)
        except Exception:
            db.session.rollback()
            log.exception("rule %s failed on %s", rule_id, event.key)
            continue
        if run is not None:
            runs.append(run)
    return runs
