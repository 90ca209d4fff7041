"""Rule bodies: triggers, conditions and effects checked against fixed lists.

Everything a manager types is data: a condition's value is compared in Python
with the loaded conversation, message and visitor (app.actions.engine); a
`matches` pattern is compiled by RE2, which runs in time linear in the input
and refuses what it cannot promise that for (backreferences, look-arounds,
programs above a memory budget).
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

import re2
from pydantic import Field

from app.core.errors import Unprocessable
from app.core.validation import OutSchema, Schema, bounded_int

# --- the fixed lists ------------------------------------------------------------

# trigger type -> its parameters (name -> (kind, required, default))
TRIGGERS: dict[str, dict[str, tuple[str, bool, Any]]] = {
    "conversation.created": {},
    "message.created": {"sender": ("sender", False, "visitor")},
    "conversation.status_changed": {},
    "conversation.assigned": {},
    "visitor.identified": {},
    "no_agent_reply": {"minutes": ("minutes", True, None), "first_response_only": ("bool", False, False)},
    "no_visitor_reply": {"minutes": ("minutes", True, None)},
    "conversation.woke_up": {},
}
TIME_TRIGGERS = ("no_agent_reply", "no_visitor_reply")
SENDERS = ("visitor", "agent", "any")

STATUSES = ("open", "pending", "resolved", "snoozed")
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("widget", "api")

# field -> kind; `visitor.attributes.<name>` is a text field per custom attribute.
FIELDS: dict[str, str] = {
    "message.content": "text",
    "message.private": "bool",
    "visitor.name": "text",
    "visitor.email": "text",
    "visitor.identifier": "text",
    "visitor.identity_verified": "bool",
    "visitor.browser": "text",
    "visitor.os": "text",
    "page.url": "text",
    "page.title": "text",
    "within_business_hours": "bool",
    "agents.online": "number",
    "conversation.status": "status",
    "conversation.priority": "priority",
    "conversation.tags": "list",
    "conversation.assignee_id": "id",
    "conversation.channel": "channel",
}
ATTRIBUTE_PREFIX = "visitor.attributes."
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

OPERATORS: dict[str, tuple[str, ...]] = {
    "text": ("equals", "not_equals", "contains", "not_contains", "starts_with", "matches", "is_set", "is_not_set"),
    "bool": ("equals", "not_equals"),
    "number": ("equals", "not_equals", "greater_than", "less_than"),
    "status": ("equals", "not_equals"),
    "priority": ("equals", "not_equals"),
    "channel": ("equals", "not_equals"),
    "list": ("contains", "not_contains", "is_set", "is_not_set"),
    "id": ("equals", "not_equals", "is_set", "is_not_set"),
}
ALL_OPERATORS = ("equals", "not_equals", "contains", "not_contains", "starts_with", "matches", "is_set",
                 "is_not_set", "greater_than", "less_than")
_ENUMS = {"status": STATUSES, "priority": PRIORITIES, "channel": CHANNELS}

EFFECTS = ("send_message", "send_note", "assign", "unassign", "add_tag", "remove_tag", "set_priority",
           "set_status", "email_transcript", "call_webhook")
# Effects of the contract that need the integrations module (signed webhook delivery, transcript mail).
UNAVAILABLE_EFFECTS = ("email_transcript", "call_webhook")

MAX_CONDITIONS = 20
MAX_EFFECTS = 10
MAX_TEXT_VALUE = 500
MAX_PATTERN = 300
MAX_CONTENT = 5000
_TAG = re.compile(r"^[\w][\w .:/-]{0,49}$", re.UNICODE)
# RE2's program budget: generous for real patterns, small enough that `(x{500}){500}` is refused.
_RE2_MAX_MEM = 1 << 20


# --- bodies ---------------------------------------------------------------------

class RuleCreate(Schema):
    """A new rule; `trigger`, `conditions` and `effects` are checked by `check_rule`."""

    name: str = Field(min_length=1, max_length=120)
    enabled: bool = True
    trigger: dict[str, Any]
    conditions: list[dict[str, Any]] = Field(default_factory=list)
    match: Literal["all", "any"] = "all"
    effects: list[dict[str, Any]]
    position: bounded_int(0, 100_000) | None = None


class RuleUpdate(Schema):
    """Only the fields given change."""

    name: str | None = Field(None, min_length=1, max_length=120)
    enabled: bool | None = None
    trigger: dict[str, Any] | None = None
    conditions: list[dict[str, Any]] | None = None
    match: Literal["all", "any"] | None = None
    effects: list[dict[str, Any]] | None = None
    position: bounded_int(0, 100_000) | None = None


class RuleOut(OutSchema):
    id: int
    project_id: int
    name: str
    enabled: bool
    trigger: dict[str, Any]
    conditions: list[dict[str, Any]]
    match: Literal["all", "any"]
    effects: list[dict[str, Any]]
    position: int
    run_count: int
    last_run_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime


class RunOut(OutSchema):
    id: int
    rule_id: int
    event_key: str
    event_type: str
    conversation_id: int | None
    matched: bool
    effects_done: list[str]
    error: str | None
    created_at: datetime


class TemplateOut(OutSchema):
    key: str
    name: str
    description: str
    rule: dict[str, Any]


class TemplateList(OutSchema):
    items: list[TemplateOut]


class TemplateAdd(Schema):
    enabled: bool = True


# --- checking against the lists ---------------------------------------------------

def _refuse(where: str, message: str, code: str = "invalid_rule") -> None:
    raise Unprocessable(f"{where}: {message}", code=code, details={"field": where})


@lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """An RE2 program for `pattern` (case-insensitive), or ValueError saying why it is refused."""
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"a pattern holds at most {MAX_PATTERN} characters")
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEM
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0] if error.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(f"not a safe regular expression ({reason})") from None


def check_trigger(trigger: Any) -> dict:
    """The trigger with its defaults filled in; 422 naming the bad part."""
    if not isinstance(trigger, dict):
        _refuse("trigger", "must be an object with a type")
    kind = trigger.get("type")
    if kind not in TRIGGERS:
        _refuse("trigger.type", f"unknown trigger {kind!r}; one of {', '.join(TRIGGERS)}", "unknown_trigger")
    params = TRIGGERS[kind]
    clean: dict[str, Any] = {"type": kind}
    for key in trigger:
        if key != "type" and key not in params:
            _refuse(f"trigger.{key}", f"the {kind} trigger takes no {key!r}")
    for key, (param_kind, required, default) in params.items():
        value = trigger.get(key, default)
        if value is None and required:
            _refuse(f"trigger.{key}", "is required")
        if param_kind == "minutes" and (isinstance(value, bool) or not isinstance(value, int)
                                        or not 1 <= value <= 7 * 24 * 60):
            _refuse(f"trigger.{key}", "must be a whole number of minutes from 1 to 10080")
        if param_kind == "bool" and not isinstance(value, bool):
            _refuse(f"trigger.{key}", "must be true or false")
        if param_kind == "sender" and value not in SENDERS:
            _refuse(f"trigger.{key}", f"must be one of {', '.join(SENDERS)}")
        clean[key] = value
    return clean


def field_kind(field: Any) -> str | None:
    """The kind of a condition field, or None when it is not one of ours."""
    if not isinstance(field, str):
        return None
    if field.startswith(ATTRIBUTE_PREFIX):
        return "text" if _ATTRIBUTE_NAME.match(field[len(ATTRIBUTE_PREFIX):]) else None
    return FIELDS.get(field)


def check_condition(condition: Any, where: str) -> dict:
    """One condition, checked: known field, an operator of its kind, a value of the right type."""
    if not isinstance(condition, dict):
        _refuse(where, "must be an object {field, operator, value}")
    for key in condition:
        if key not in ("field", "operator", "value"):
            _refuse(f"{where}.{key}", "unknown key; a condition has field, operator and value")
    field = condition.get("field")
    kind = field_kind(field)
    if kind is None:
        _refuse(f"{where}.field", f"unknown field {field!r}", "unknown_field")
    operator = condition.get("operator")
    if operator not in OPERATORS[kind]:
        known = "unknown operator" if operator not in ALL_OPERATORS else f"{operator!r} does not apply to {field}"
        _refuse(f"{where}.operator", f"{known}; {field} takes {', '.join(OPERATORS[kind])}", "unknown_operator")
    value = condition.get("value")
    if operator in ("is_set", "is_not_set"):
        return {"field": field, "operator": operator, "value": None}
    if kind == "text" or kind == "list":
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_VALUE:
            _refuse(f"{where}.value", f"must be text of 1 to {MAX_TEXT_VALUE} characters")
        value = value.strip()
        if operator == "matches":
            try:
                compile_pattern(value)
            except ValueError as error:
                _refuse(f"{where}.value", str(error), "unsafe_pattern")
    elif kind == "bool":
        if not isinstance(value, bool):
            _refuse(f"{where}.value", "must be true or false")
    elif kind in ("number", "id"):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**31 - 1:
            _refuse(f"{where}.value", "must be a whole number")
    elif kind in _ENUMS:
        if value not in _ENUMS[kind]:
            _refuse(f"{where}.value", f"must be one of {', '.join(_ENUMS[kind])}")
    return {"field": field, "operator": operator, "value": value}


def _text(effect: dict, key: str, where: str, limit: int) -> str:
    value = effect.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        _refuse(f"{where}.{key}", f"must be text of 1 to {limit} characters")
    return value.strip()


def check_effect(effect: Any, where: str, member_ids: set[int]) -> dict:
    """One effect, checked; the integrations' effects are refused until they can run."""
    if not isinstance(effect, dict):
        _refuse(where, "must be an object with a type")
    kind = effect.get("type")
    if kind not in EFFECTS:
        _refuse(f"{where}.type", f"unknown effect {kind!r}; one of {', '.join(EFFECTS)}", "unknown_effect")
    if kind in UNAVAILABLE_EFFECTS:
        _refuse(f"{where}.type", f"the {kind} effect is not available yet: it needs the integrations module "
                                 "(signed webhook delivery and transcript mail)", "effect_not_available")
    allowed = {
        "send_message": ("content",), "send_note": ("content",), "assign": ("agent_id", "strategy"),
        "unassign": (), "add_tag": ("tag",), "remove_tag": ("tag",), "set_priority": ("priority",),
        "set_status": ("status", "minutes"),
    }[kind]
    for key in effect:
        if key != "type" and key not in allowed:
            _refuse(f"{where}.{key}", f"the {kind} effect takes no {key!r}")
    clean: dict[str, Any] = {"type": kind}
    if kind in ("send_message", "send_note"):
        clean["content"] = _text(effect, "content", where, MAX_CONTENT)
    elif kind == "assign":
        if "strategy" in effect:
            if effect["strategy"] != "round_robin" or "agent_id" in effect:
                _refuse(f"{where}.strategy", "must be \"round_robin\" (or give agent_id instead)")
            clean["strategy"] = "round_robin"
        else:
            agent_id = effect.get("agent_id")
            if isinstance(agent_id, bool) or not isinstance(agent_id, int):
                _refuse(f"{where}.agent_id", "must be the id of a member (or use strategy: round_robin)")
            if agent_id not in member_ids:
                _refuse(f"{where}.agent_id", f"user {agent_id} is not a member of this project")
            clean["agent_id"] = agent_id
    elif kind in ("add_tag", "remove_tag"):
        tag = _text(effect, "tag", where, 50).lower()
        if not _TAG.match(tag):
            _refuse(f"{where}.tag", "a tag is 1 to 50 letters, digits, spaces, . : / -")
        clean["tag"] = tag
    elif kind == "set_priority":
        if effect.get("priority") not in PRIORITIES:
            _refuse(f"{where}.priority", f"must be one of {', '.join(PRIORITIES)}")
        clean["priority"] = effect["priority"]
    elif kind == "set_status":
        status = effect.get("status")
        if status not in STATUSES:
            _refuse(f"{where}.status", f"must be one of {', '.join(STATUSES)}")
        clean["status"] = status
        if status == "snoozed":
            minutes = effect.get("minutes")
            if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 365 * 24 * 60:
                _refuse(f"{where}.minutes", "snoozing needs minutes, from 1 to 525600")
            clean["minutes"] = minutes
        elif "minutes" in effect:
            _refuse(f"{where}.minutes", "only a snooze takes minutes")
    return clean


def check_rule(trigger: Any, conditions: Any, effects: Any, member_ids: set[int]) -> tuple[dict, list, list]:
    """(trigger, conditions, effects) normalised, or 422 naming the first bad part."""
    clean_trigger = check_trigger(trigger)
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        _refuse("conditions", f"must be a list of at most {MAX_CONDITIONS} conditions")
    if not isinstance(effects, list) or not 1 <= len(effects) <= MAX_EFFECTS:
        _refuse("effects", f"must be a list of 1 to {MAX_EFFECTS} effects")
    clean_conditions = [check_condition(c, f"conditions[{i}]") for i, c in enumerate(conditions)]
    clean_effects = [check_effect(e, f"effects[{i}]", member_ids) for i, e in enumerate(effects)]
    return clean_trigger, clean_conditions, clean_effects
