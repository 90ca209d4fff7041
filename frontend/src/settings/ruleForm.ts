/**
 * The automation rule editor's menus: the server's fixed lists (app/actions/schemas.py), mirrored
 * here so that every trigger, condition and effect is picked from a menu, never typed as code.
 */
import type { Id, RuleOut, RuleRun as RuleRunOut, RuleTemplateOut } from "../api/types";

export type TriggerType =
  | "conversation.created"
  | "message.created"
  | "conversation.status_changed"
  | "conversation.assigned"
  | "visitor.identified"
  | "no_agent_reply"
  | "no_visitor_reply"
  | "conversation.woke_up";

export const TRIGGERS: TriggerType[] = [
  "conversation.created",
  "message.created",
  "conversation.status_changed",
  "conversation.assigned",
  "visitor.identified",
  "no_agent_reply",
  "no_visitor_reply",
  "conversation.woke_up",
];
export const TIME_TRIGGERS: TriggerType[] = ["no_agent_reply", "no_visitor_reply"];
export const SENDERS = ["visitor", "agent", "any"] as const;

export type FieldKind = "text" | "bool" | "number" | "status" | "priority" | "channel" | "list" | "id";

export const FIELDS: Record<string, FieldKind> = {
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
  within_business_hours: "bool",
  "agents.online": "number",
  "conversation.status": "status",
  "conversation.priority": "priority",
  "conversation.tags": "list",
  "conversation.assignee_id": "id",
  "conversation.channel": "channel",
};
export const ATTRIBUTE_PREFIX = "visitor.attributes.";
/** The menu entry that stands for "a custom attribute" (its name is typed next to it). */
export const ATTRIBUTE_FIELD = "visitor.attributes";

export const OPERATORS: Record<FieldKind, string[]> = {
  text: ["equals", "not_equals", "contains", "not_contains", "starts_with", "matches", "is_set", "is_not_set"],
  bool: ["equals", "not_equals"],
  number: ["equals", "not_equals", "greater_than", "less_than"],
  status: ["equals", "not_equals"],
  priority: ["equals", "not_equals"],
  channel: ["equals", "not_equals"],
  list: ["contains", "not_contains", "is_set", "is_not_set"],
  id: ["equals", "not_equals", "is_set", "is_not_set"],
};

export const ENUMS: Partial<Record<FieldKind, string[]>> = {
  status: ["open", "pending", "resolved", "snoozed"],
  priority: ["low", "normal", "high", "urgent"],
  channel: ["widget", "api"],
};

/** Effects offered in the menu: every effect the server runs. */
export const EFFECTS = [
  "send_message",
  "send_note",
  "assign",
  "unassign",
  "add_tag",
  "remove_tag",
  "set_priority",
  "set_status",
  "email_transcript",
  "call_webhook",
] as const;
export type EffectType = (typeof EFFECTS)[number];

export type ConditionValue = string | number | boolean | null;

export interface Condition {
  field: string;
  operator: string;
  value: ConditionValue;
}

export interface Effect {
  type: EffectType;
  content?: string;
  agent_id?: Id;
  strategy?: "round_robin";
  tag?: string;
  priority?: string;
  status?: string;
  minutes?: number;
  /** call_webhook: one of the project's webhook endpoints. */
  webhook_id?: Id;
}

export interface Trigger {
  type: TriggerType;
  minutes?: number;
  sender?: (typeof SENDERS)[number];
  first_response_only?: boolean;
}

/** A rule as the API answers it; the API types trigger, conditions and effects as plain objects, the menus above name them. */
export type Rule = Omit<RuleOut, "trigger" | "conditions" | "effects"> & {
  trigger: Trigger;
  conditions: Condition[];
  effects: Effect[];
};

export type RuleRun = RuleRunOut;

export type RuleTemplate = Omit<RuleTemplateOut, "rule"> & {
  rule: Pick<Rule, "trigger" | "conditions" | "match" | "effects">;
};

export type RuleDraft = Pick<Rule, "name" | "enabled" | "trigger" | "conditions" | "match" | "effects">;

/** The kind of a condition field (custom attributes are text). */
export function fieldKind(field: string): FieldKind {
  if (field.startsWith(ATTRIBUTE_PREFIX) || field === ATTRIBUTE_FIELD) return "text";
  return FIELDS[field] ?? "text";
}

/** A value that fits the field's kind and operator, kept from `previous` where it still fits. */
export function defaultValue(field: string, operator: string, previous: ConditionValue = null): ConditionValue {
  if (operator === "is_set" || operator === "is_not_set") return null;
  const kind = fieldKind(field);
  if (kind === "bool") return typeof previous === "boolean" ? previous : true;
  if (kind === "number" || kind === "id") return typeof previous === "number" ? previous : 0;
  const choices = ENUMS[kind];
  if (choices) return typeof previous === "string" && choices.includes(previous) ? previous : choices[0]!;
  return typeof previous === "string" ? previous : "";
}

/** Change a condition's field: the operator and value follow the new kind. */
export function withField(condition: Condition, field: string): Condition {
  const operators = OPERATORS[fieldKind(field)];
  const operator = operators.includes(condition.operator) ? condition.operator : operators[0]!;
  return {
    field,
    operator,
    value: defaultValue(field, operator, fieldKind(field) === fieldKind(condition.field) ? condition.value : null),
  };
}

export function withOperator(condition: Condition, operator: string): Condition {
  return { ...condition, operator, value: defaultValue(condition.field, operator, condition.value) };
}

export function newCondition(): Condition {
  return { field: "message.content", operator: "contains", value: "" };
}

/** An effect with the parameters its type needs (`webhookId`: the endpoint a new call_webhook starts with). */
export function newEffect(type: EffectType, webhookId?: Id): Effect {
  switch (type) {
    case "send_message":
    case "send_note":
      return { type, content: "" };
    case "assign":
      return { type, strategy: "round_robin" };
    case "add_tag":
    case "remove_tag":
      return { type, tag: "" };
    case "set_priority":
      return { type, priority: "high" };
    case "set_status":
      return { type, status: "resolved" };
    case "call_webhook":
      return webhookId === undefined ? { type } : { type, webhook_id: webhookId };
    default:
      return { type };
  }
}

/** A trigger of `type`, keeping the minutes of a time-based one. */
export function newTrigger(type: TriggerType, previous?: Trigger): Trigger {
  if (TIME_TRIGGERS.includes(type)) return { type, minutes: previous?.minutes ?? 5 };
  if (type === "message.created") return { type, sender: "visitor" };
  return { type };
}

export function emptyDraft(): RuleDraft {
  return {
    name: "",
    enabled: true,
    trigger: { type: "conversation.created" },
    conditions: [],
    match: "all",
    effects: [newEffect("send_message")],
  };
}

/** The body the API takes: only the parameters each part needs. */
export function toBody(draft: RuleDraft): RuleDraft {
  const trigger: Trigger = { type: draft.trigger.type };
  if (TIME_TRIGGERS.includes(trigger.type)) trigger.minutes = Number(draft.trigger.minutes);
  if (trigger.type === "no_agent_reply" && draft.trigger.first_response_only) trigger.first_response_only = true;
  if (trigger.type === "message.created") trigger.sender = draft.trigger.sender ?? "visitor";
  const effects = draft.effects.map((effect) => {
    const clean: Effect = { type: effect.type };
    if (effect.type === "send_message" || effect.type === "send_note") clean.content = effect.content ?? "";
    if (effect.type === "assign") {
      if (effect.strategy === "round_robin" || effect.agent_id === undefined) clean.strategy = "round_robin";
      else clean.agent_id = Number(effect.agent_id);
    }
    if (effect.type === "add_tag" || effect.type === "remove_tag") clean.tag = effect.tag ?? "";
    if (effect.type === "set_priority") clean.priority = effect.priority;
    if (effect.type === "set_status") {
      clean.status = effect.status;
      if (effect.status === "snoozed") clean.minutes = Number(effect.minutes ?? 60);
    }
    if (effect.type === "call_webhook" && effect.webhook_id !== undefined) clean.webhook_id = Number(effect.webhook_id);
    return clean;
  });
  return {
    name: draft.name.trim(),
    enabled: draft.enabled,
    trigger,
    conditions: draft.conditions,
    match: draft.match,
    effects,
  };
}
