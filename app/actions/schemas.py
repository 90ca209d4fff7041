"""Rule bodies: triggers, conditions and effects, each a closed schema built from the fixed lists.

The OpenAPI document states them exactly, from these models: a trigger and an
effect are unions discriminated by `type`; a condition is one of the condition
kinds, told apart by its field (and by its operator, for `is_set`/`is_not_set`
and `matches`), each with the operators and the value type of its kind. A body
that breaks a rule's part is a 422 naming the part (`effects[1].tag`) with one of
the codes unknown_trigger, unknown_field, unknown_operator, unknown_effect,
unsafe_pattern or invalid_rule; a body whose outer shape is wrong (`trigger` not
an object, `match` not all/any) is the usual 400.

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
from typing import Annotated, Any, Literal, Self, Union, get_args

import re2
from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails, PydanticCustomError

from app.core.errors import Unprocessable
from app.core.openapi import NON_BLANK_TEXT_PATTERN
from app.core.validation import MAX_ID, Id, OutSchema, Schema, bounded_int
from app.inbox.schemas import Priority, Status

# --- the fixed lists ------------------------------------------------------------

TriggerType = Literal["conversation.created", "message.created", "conversation.status_changed",
                      "conversation.assigned", "visitor.identified", "no_agent_reply", "no_visitor_reply",
                      "conversation.woke_up"]
TRIGGERS: tuple[str, ...] = get_args(TriggerType)
TIME_TRIGGERS = ("no_agent_reply", "no_visitor_reply")
Sender = Literal["visitor", "agent", "any"]
Channel = Literal["widget", "api"]
MAX_MINUTES = 7 * 24 * 60
MAX_SNOOZE_MINUTES = 365 * 24 * 60

TextField = Literal["message.content", "visitor.name", "visitor.email", "visitor.identifier", "visitor.browser",
                    "visitor.os", "page.url", "page.title"]
FlagField = Literal["message.private", "visitor.identity_verified", "within_business_hours"]
ATTRIBUTE_PREFIX = "visitor.attributes."
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# `visitor.attributes.<name>` is a text field per custom attribute.
AttributeField = Annotated[str, Field(pattern=r"^visitor\.attributes\.[A-Za-z0-9_.:-]{1,64}$")]

# field -> kind (custom attributes are "text" too)
FIELDS: dict[str, str] = {
    **dict.fromkeys(get_args(TextField), "text"),
    **dict.fromkeys(get_args(FlagField), "bool"),
    "agents.online": "number",
    "conversation.status": "status",
    "conversation.priority": "priority",
    "conversation.tags": "list",
    "conversation.assignee_id": "id",
    "conversation.channel": "channel",
}

TextOperator = Literal["equals", "not_equals", "contains", "not_contains", "starts_with"]
PresenceOperator = Literal["is_set", "is_not_set"]
EqualityOperator = Literal["equals", "not_equals"]
CompareOperator = Literal["equals", "not_equals", "greater_than", "less_than"]
ListOperator = Literal["contains", "not_contains"]
PRESENCE: tuple[str, ...] = get_args(PresenceOperator)

OPERATORS: dict[str, tuple[str, ...]] = {
    "text": get_args(TextOperator) + ("matches",) + PRESENCE,
    "bool": get_args(EqualityOperator),
    "number": get_args(CompareOperator),
    "status": get_args(EqualityOperator),
    "priority": get_args(EqualityOperator),
    "channel": get_args(EqualityOperator),
    "list": get_args(ListOperator) + PRESENCE,
    "id": get_args(EqualityOperator) + PRESENCE,
}

EFFECTS = ("send_message", "send_note", "assign", "unassign", "add_tag", "remove_tag", "set_priority",
           "set_status", "email_transcript", "call_webhook")

MAX_CONDITIONS = 20
MAX_EFFECTS = 10
MAX_TEXT_VALUE = 500
MAX_PATTERN = 300
MAX_CONTENT = 5000
# The tag rule of conversations (app.inbox), as the document states it: the server trims and lower-cases first.
TAG_PATTERN = r"^\s*[\w][\w .:/-]{0,49}\s*$"
# RE2's program budget: generous for real patterns, small enough that `(x{500}){500}` is refused.
_RE2_MAX_MEM = 1 << 20


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
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


def field_kind(field: Any) -> str | None:
    """The kind of a condition field, or None when it is not one of ours."""
    if not isinstance(field, str):
        return None
    if field.startswith(ATTRIBUTE_PREFIX):
        return "text" if _ATTRIBUTE_NAME.match(field[len(ATTRIBUTE_PREFIX):]) else None
    return FIELDS.get(field)


def _refused(part: str, message: str) -> PydanticCustomError:
    """A broken rule of a part that JSON Schema states in the document too (reported as invalid_rule)."""
    return PydanticCustomError("rule_part", "{message}", {"message": message, "part": part})


# Text parts: non-blank (the pattern says so in the document, where the server trims first).
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_VALUE, pattern=NON_BLANK_TEXT_PATTERN)]


class _Part(Schema):
    """A part of a rule (a trigger, a condition or an effect)."""


def _no_null_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _is_none(value: Any) -> bool:
    return value is None


# An optional parameter that is left out, never null: absent from the part's JSON when not given, and the
# document shows no `null` for it (assign's agent_id / strategy, a snooze's minutes).
ABSENT = Field(None, json_schema_extra=_no_null_default, exclude_if=_is_none)


# --- triggers ---------------------------------------------------------------------

class RuleEventTrigger(_Part):
    """Something happened to a conversation or a visitor."""

    type: Literal["conversation.created", "conversation.status_changed", "conversation.assigned",
                  "visitor.identified", "conversation.woke_up"]


class RuleMessageTrigger(_Part):
    """A message was sent, by the visitor, an agent, or anyone (automatic messages included)."""

    type: Literal["message.created"]
    sender: Sender = "visitor"


class RuleNoAgentReplyTrigger(_Part):
    """The visitor has waited `minutes` for an answer (the first one only, with `first_response_only`)."""

    type: Literal["no_agent_reply"]
    minutes: bounded_int(1, MAX_MINUTES)
    first_response_only: bool = False


class RuleNoVisitorReplyTrigger(_Part):
    """The team has waited `minutes` for the visitor to answer."""

    type: Literal["no_visitor_reply"]
    minutes: bounded_int(1, MAX_MINUTES)


Trigger = Annotated[Union[RuleEventTrigger, RuleMessageTrigger, RuleNoAgentReplyTrigger, RuleNoVisitorReplyTrigger],
                    Field(discriminator="type")]


# --- conditions -------------------------------------------------------------------

class RuleTextCondition(_Part):
    """Text compared with the value (message content: whole words, any of the comma-separated phrases)."""

    field: TextField | AttributeField
    operator: TextOperator
    value: Text


class RulePatternCondition(_Part):
    """Text matched by a regular expression that RE2 accepts (a 422 `unsafe_pattern` otherwise)."""

    field: TextField | AttributeField
    operator: Literal["matches"]
    value: Annotated[str, Field(min_length=1, max_length=MAX_PATTERN, pattern=NON_BLANK_TEXT_PATTERN)]

    @field_validator("value")
    @classmethod
    def _safe(cls, value: str) -> str:
        try:
            compile_pattern(value)
        except ValueError as error:
            raise PydanticCustomError("unsafe_pattern", "{reason}", {"reason": str(error)}) from None
        return value


class RulePresenceCondition(_Part):
    """A text, the tags or the assignee is set (or not); no value."""

    field: TextField | AttributeField | Literal["conversation.tags", "conversation.assignee_id"]
    operator: PresenceOperator
    value: None = None


class RuleFlagCondition(_Part):
    field: FlagField
    operator: EqualityOperator
    value: bool


class RuleAgentsOnlineCondition(_Part):
    field: Literal["agents.online"]
    operator: CompareOperator
    value: bounded_int(0, MAX_ID)


class RuleAssigneeCondition(_Part):
    field: Literal["conversation.assignee_id"]
    operator: EqualityOperator
    value: bounded_int(0, MAX_ID)


class RuleStatusCondition(_Part):
    field: Literal["conversation.status"]
    operator: EqualityOperator
    value: Status


class RulePriorityCondition(_Part):
    field: Literal["conversation.priority"]
    operator: EqualityOperator
    value: Priority


class RuleChannelCondition(_Part):
    field: Literal["conversation.channel"]
    operator: EqualityOperator
    value: Channel


class RuleTagsCondition(_Part):
    field: Literal["conversation.tags"]
    operator: ListOperator
    value: Text


def _get(part: Any, key: str) -> Any:
    return part.get(key) if isinstance(part, dict) else getattr(part, key, None)


def condition_kind(condition: Any) -> str | None:
    """Which condition model a condition is read with: its field's kind, refined by the operator."""
    kind = field_kind(_get(condition, "field"))
    operator = _get(condition, "operator")
    if kind in ("text", "list", "id") and operator in PRESENCE:
        return "presence"
    if kind == "text" and operator == "matches":
        return "pattern"
    return kind


Condition = Annotated[Union[
    Annotated[RuleTextCondition, Tag("text")],
    Annotated[RulePatternCondition, Tag("pattern")],
    Annotated[RulePresenceCondition, Tag("presence")],
    Annotated[RuleFlagCondition, Tag("bool")],
    Annotated[RuleAgentsOnlineCondition, Tag("number")],
    Annotated[RuleAssigneeCondition, Tag("id")],
    Annotated[RuleStatusCondition, Tag("status")],
    Annotated[RulePriorityCondition, Tag("priority")],
    Annotated[RuleChannelCondition, Tag("channel")],
    Annotated[RuleTagsCondition, Tag("list")],
], Discriminator(condition_kind, custom_error_type="unknown_field", custom_error_message="unknown field")]


# --- effects ----------------------------------------------------------------------

class RuleMessageEffect(_Part):
    """Send a message as the project, or a private note; canned-response variables are filled in."""

    type: Literal["send_message", "send_note"]
    content: Annotated[str, Field(min_length=1, max_length=MAX_CONTENT, pattern=NON_BLANK_TEXT_PATTERN)]


class RuleAssignEffect(_Part):
    """Assign to a member (`agent_id`) or round-robin among online agents (`strategy`): exactly one of the two."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["agent_id"]}, {"required": ["strategy"]}]})

    type: Literal["assign"]
    agent_id: Id | SkipJsonSchema[None] = ABSENT
    strategy: Literal["round_robin"] | SkipJsonSchema[None] = ABSENT

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        given = {key for key in ("agent_id", "strategy") if key in self.model_fields_set}
        if len(given) != 1:
            raise _refused("strategy" if "strategy" in given else "agent_id",
                           "give either agent_id (a member's id) or strategy: \"round_robin\"")
        key = given.pop()
        if getattr(self, key) is None:
            raise _refused(key, "may not be null")
        return self


class RuleUnassignEffect(_Part):
    type: Literal["unassign"]


class RuleTagEffect(_Part):
    """Add or remove a tag (trimmed and lower-cased, as conversation tags are)."""

    type: Literal["add_tag", "remove_tag"]
    tag: Annotated[str, Field(pattern=TAG_PATTERN)]

    @field_validator("tag")
    @classmethod
    def _lower(cls, tag: str) -> str:
        return tag.lower()


class RulePriorityEffect(_Part):
    type: Literal["set_priority"]
    priority: Priority


class RuleStatusEffect(_Part):
    """Set the status; a snooze (and only a snooze) takes `minutes`."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"properties": {"status": {"const": "snoozed"}}, "required": ["minutes"]},
        {"properties": {"status": {"enum": ["open", "pending", "resolved"]}}, "not": {"required": ["minutes"]}},
    ]})

    type: Literal["set_status"]
    status: Status
    minutes: bounded_int(1, MAX_SNOOZE_MINUTES) | SkipJsonSchema[None] = ABSENT

    @model_validator(mode="after")
    def _snooze_minutes(self) -> Self:
        if self.status == "snoozed" and self.minutes is None:
            raise _refused("minutes", f"snoozing needs minutes, from 1 to {MAX_SNOOZE_MINUTES}")
        if self.status != "snoozed" and "minutes" in self.model_fields_set:
            raise _refused("minutes", "only a snooze takes minutes")
        return self


class RuleTranscriptEffect(_Part):
    """Email the conversation's transcript to the visitor (a run without the visitor's email records an error)."""

    type: Literal["email_transcript"]


class RuleWebhookEffect(_Part):
    """A signed `automation.rule_triggered` delivery to one of the project's webhook endpoints."""

    type: Literal["call_webhook"]
    webhook_id: Id


Effect = Annotated[Union[RuleMessageEffect, RuleAssignEffect, RuleUnassignEffect, RuleTagEffect, RulePriorityEffect,
                         RuleStatusEffect, RuleTranscriptEffect, RuleWebhookEffect], Field(discriminator="type")]


# --- bodies ---------------------------------------------------------------------

Match = Literal["all", "any"]
Conditions = Annotated[list[Condition], Field(max_length=MAX_CONDITIONS)]
Effects = Annotated[list[Effect], Field(min_length=1, max_length=MAX_EFFECTS)]


class RuleCreate(Schema):
    """A new rule; an `assign` to a non-member or a `call_webhook` to another project's endpoint is a 422."""

    name: str = Field(min_length=1, max_length=120)
    enabled: bool = True
    trigger: Trigger
    conditions: Conditions = Field(default_factory=list)
    match: Match = "all"
    effects: Effects
    position: bounded_int(0, 100_000) | None = None


class RuleUpdate(Schema):
    """Only the fields given change."""

    name: str | None = Field(None, min_length=1, max_length=120)
    enabled: bool | None = None
    trigger: Trigger | None = None
    conditions: Conditions | None = None
    match: Match | None = None
    effects: Effects | None = None
    position: bounded_int(0, 100_000) | None = None


class RuleOut(OutSchema):
    id: int
    project_id: int
    name: str
    enabled: bool
    trigger: Trigger
    conditions: list[Condition]
    match: Match
    effects: list[Effect]
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


def stored(part: _Part) -> dict[str, Any]:
    """A part as the rule keeps it (and the engine reads it): its JSON, defaults filled in."""
    return part.model_dump(mode="json")


# --- a broken part is a 422 naming it -----------------------------------------------

_PARTS = ("trigger", "conditions", "effects")
_UNKNOWN = {"trigger": ("unknown_trigger", "type"), "effects": ("unknown_effect", "type"),
            "conditions": ("unknown_field", "field")}


def _where(loc: tuple[int | str, ...]) -> tuple[str, tuple[int | str, ...]]:
    """("effects", 1, "add_tag", "tag") -> ("effects[1]", ("tag",)): the part, then the path inside it.

    A union's member appears in pydantic's location as its tag; the part's name says it already.
    """
    part, rest = str(loc[0]), loc[1:]
    if part != "trigger" and rest and isinstance(rest[0], int):
        part, rest = f"{part}[{rest[0]}]", rest[1:]
    return part, rest[1:]


def _part_error(error: ErrorDetails, body: Any) -> Unprocessable | None:
    """The 422 of one pydantic error inside a rule's part, or None for an error of the body's outer shape."""
    loc, kind = error["loc"], error["type"]
    if not loc or loc[0] not in _PARTS:
        return None
    name = loc[0]
    if len(loc) == 1:
        if kind in ("too_short", "too_long"):
            low, high = (1, MAX_EFFECTS) if name == "effects" else (0, MAX_CONDITIONS)
            return _named(name, f"must be a list of {low} to {high} {name}")
        if name == "trigger" and kind.startswith("union_tag"):
            return _unknown(name, name, error["input"])
        return None  # not an object, not a list: the body is off its schema (400)
    where, inside = _where(loc)
    if not inside:
        if not isinstance(error["input"], dict):
            shape = " {field, operator, value}" if name == "conditions" else " with a type"
            return _named(where, f"must be an object{shape}")
        if kind in ("union_tag_invalid", "union_tag_not_found", "unknown_field"):
            return _unknown(name, where, error["input"])
        if kind == "rule_part":
            return _named(f"{where}.{error['ctx']['part']}", error["ctx"]["message"])
        return _named(where, error["msg"])
    path = f"{where}.{'.'.join(str(step) for step in inside)}"
    if kind == "unsafe_pattern":
        return _named(path, error["ctx"]["reason"], "unsafe_pattern")
    if kind == "extra_forbidden":
        return _named(path, f"unknown key; this {name.rstrip('s')} takes no {inside[-1]!r}")
    if kind == "missing":
        return _named(path, "is required")
    if name == "conditions" and inside == ("operator",):
        return _operator_refused(path, error["input"], _get(_nth(body, name, loc[1]), "field"))
    return _named(path, error["msg"])


def _nth(body: Any, key: str, index: Any) -> dict[str, Any]:
    items = body.get(key) if isinstance(body, dict) else None
    return items[index] if isinstance(items, list) and index < len(items) and isinstance(items[index], dict) else {}


def _named(where: str, message: str, code: str = "invalid_rule") -> Unprocessable:
    return Unprocessable(f"{where}: {message}", code=code, details={"field": where})


def _unknown(name: str, where: str, given: Any) -> Unprocessable:
    code, key = _UNKNOWN[name]
    value = given.get(key) if isinstance(given, dict) else None
    if name == "conditions":
        choices = (*FIELDS, ATTRIBUTE_PREFIX + "<name>")
        return _named(f"{where}.field", f"unknown field {value!r}; one of {', '.join(choices)}", code)
    choices = TRIGGERS if name == "trigger" else EFFECTS
    what = "trigger" if name == "trigger" else "effect"
    return _named(f"{where}.type", f"unknown {what} {value!r}; one of {', '.join(choices)}", code)


def _operator_refused(path: str, operator: Any, field: Any) -> Unprocessable:
    kind = field_kind(field) or "text"
    known = any(operator in operators for operators in OPERATORS.values())
    reason = f"{operator!r} does not apply to {field}" if known else "unknown operator"
    return _named(path, f"{reason}; {field} takes {', '.join(OPERATORS[kind])}", "unknown_operator")


def rule_refusal(error: ValidationError, body: Any) -> Unprocessable | None:
    """The 422 naming the first broken part of a rule body, or None when its outer shape is wrong (a 400)."""
    refusals = [_part_error(item, body) for item in error.errors(include_url=False)]
    if not refusals or None in refusals:
        return None
    return refusals[0]
