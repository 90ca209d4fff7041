import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Member, Webhook } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import {
  ATTRIBUTE_FIELD,
  ATTRIBUTE_PREFIX,
  EFFECTS,
  ENUMS,
  FIELDS,
  OPERATORS,
  SENDERS,
  TIME_TRIGGERS,
  TRIGGERS,
  fieldKind,
  newCondition,
  newEffect,
  newTrigger,
  toBody,
  withField,
  withOperator,
} from "./ruleForm";
import type { Condition, Effect, EffectType, RuleDraft, TriggerType } from "./ruleForm";

// Written out here, not in the translations: i18next would fill them in.
const VARIABLES = "{{visitor.name}} {{visitor.email}} {{agent.name}} {{project.name}}";

interface Props {
  initial: RuleDraft;
  members: Member[];
  webhooks: Webhook[];
  isBusy: boolean;
  error: string | null;
  onSave: (draft: RuleDraft) => void;
  onCancel: () => void;
}

/** Trigger, conditions and effects, each built from menus. */
export function RuleEditor({ initial, members, webhooks, isBusy, error, onSave, onCancel }: Props) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const set = (change: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...change }));
  const setCondition = (index: number, condition: Condition) =>
    set({ conditions: draft.conditions.map((item, i) => (i === index ? condition : item)) });
  const setEffect = (index: number, effect: Effect) =>
    set({ effects: draft.effects.map((item, i) => (i === index ? effect : item)) });
  const isTimed = TIME_TRIGGERS.includes(draft.trigger.type);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(toBody(draft));
  };

  return (
    <form className="form rule-editor" onSubmit={submit} aria-label={t("automation.editor")}>
      <fieldset disabled={isBusy}>
        <label htmlFor="rule-name">{t("automation.name")}</label>
        <input
          id="rule-name"
          required
          maxLength={120}
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
        />

        <label htmlFor="rule-trigger">{t("automation.when")}</label>
        <select
          id="rule-trigger"
          value={draft.trigger.type}
          onChange={(e) => set({ trigger: newTrigger(e.target.value as TriggerType, draft.trigger) })}
        >
          {TRIGGERS.map((type) => (
            <option key={type} value={type}>
              {t(`automation.trigger.${type}`)}
            </option>
          ))}
        </select>
        {isTimed && (
          <>
            <label htmlFor="rule-minutes">{t("automation.minutes")}</label>
            <input
              id="rule-minutes"
              type="number"
              min={1}
              max={10080}
              required
              value={draft.trigger.minutes ?? 5}
              onChange={(e) => set({ trigger: { ...draft.trigger, minutes: Number(e.target.value) } })}
            />
          </>
        )}
        {draft.trigger.type === "no_agent_reply" && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={Boolean(draft.trigger.first_response_only)}
              onChange={(e) => set({ trigger: { ...draft.trigger, first_response_only: e.target.checked } })}
            />
            {t("automation.firstResponseOnly")}
          </label>
        )}
        {draft.trigger.type === "message.created" && (
          <>
            <label htmlFor="rule-sender">{t("automation.from")}</label>
            <select
              id="rule-sender"
              value={draft.trigger.sender ?? "visitor"}
              onChange={(e) =>
                set({ trigger: { ...draft.trigger, sender: e.target.value as (typeof SENDERS)[number] } })
              }
            >
              {SENDERS.map((sender) => (
                <option key={sender} value={sender}>
                  {t(`automation.sender.${sender}`)}
                </option>
              ))}
            </select>
          </>
        )}

        <h3>{t("automation.conditions")}</h3>
        {draft.conditions.length > 1 && (
          <>
            <label htmlFor="rule-match">{t("automation.match")}</label>
            <select
              id="rule-match"
              value={draft.match}
              onChange={(e) => set({ match: e.target.value as "all" | "any" })}
            >
              <option value="all">{t("automation.matchAll")}</option>
              <option value="any">{t("automation.matchAny")}</option>
            </select>
          </>
        )}
        {draft.conditions.length === 0 && <p className="muted small">{t("automation.noConditions")}</p>}
        {draft.conditions.map((condition, index) => (
          <ConditionRow
            key={index}
            index={index}
            condition={condition}
            onChange={(next) => setCondition(index, next)}
            onRemove={() => set({ conditions: draft.conditions.filter((_, i) => i !== index) })}
          />
        ))}
        <button
          type="button"
          className="button secondary"
          onClick={() => set({ conditions: [...draft.conditions, newCondition()] })}
        >
          {t("automation.addCondition")}
        </button>

        <h3>{t("automation.effects")}</h3>
        {draft.effects.map((effect, index) => (
          <EffectRow
            key={index}
            index={index}
            effect={effect}
            members={members}
            webhooks={webhooks}
            onChange={(next) => setEffect(index, next)}
            onRemove={
              draft.effects.length > 1 ? () => set({ effects: draft.effects.filter((_, i) => i !== index) }) : undefined
            }
          />
        ))}
        <button
          type="button"
          className="button secondary"
          onClick={() => set({ effects: [...draft.effects, newEffect("add_tag")] })}
        >
          {t("automation.addEffect")}
        </button>

        <ErrorNotice message={error} />
        <div className="form-actions">
          <button type="submit" className="button primary">
            {t("common.save")}
          </button>
          <button type="button" className="button ghost" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function ConditionRow({
  index,
  condition,
  onChange,
  onRemove,
}: {
  index: number;
  condition: Condition;
  onChange: (condition: Condition) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const number = index + 1;
  const isAttribute = condition.field.startsWith(ATTRIBUTE_PREFIX) || condition.field === ATTRIBUTE_FIELD;
  const kind = fieldKind(condition.field);
  const choices = ENUMS[kind];
  const noValue = condition.operator === "is_set" || condition.operator === "is_not_set";
  return (
    <div className="rule-row" role="group" aria-label={t("automation.conditionN", { number })}>
      <select
        aria-label={t("automation.fieldOf", { number })}
        value={isAttribute ? ATTRIBUTE_FIELD : condition.field}
        onChange={(e) =>
          onChange(withField(condition, e.target.value === ATTRIBUTE_FIELD ? ATTRIBUTE_PREFIX : e.target.value))
        }
      >
        {Object.keys(FIELDS).map((field) => (
          <option key={field} value={field}>
            {t(`automation.field.${field}`)}
          </option>
        ))}
        <option value={ATTRIBUTE_FIELD}>{t("automation.field.attribute")}</option>
      </select>
      {isAttribute && (
        <input
          aria-label={t("automation.attributeOf", { number })}
          placeholder={t("automation.attributePlaceholder")}
          pattern="[A-Za-z0-9_.:\-]{1,64}"
          required
          value={condition.field.slice(ATTRIBUTE_PREFIX.length)}
          onChange={(e) => onChange({ ...condition, field: ATTRIBUTE_PREFIX + e.target.value })}
        />
      )}
      <select
        aria-label={t("automation.operatorOf", { number })}
        value={condition.operator}
        onChange={(e) => onChange(withOperator(condition, e.target.value))}
      >
        {OPERATORS[kind].map((operator) => (
          <option key={operator} value={operator}>
            {t(`automation.operator.${operator}`)}
          </option>
        ))}
      </select>
      {!noValue && kind === "bool" && (
        <select
          aria-label={t("automation.valueOf", { number })}
          value={String(condition.value)}
          onChange={(e) => onChange({ ...condition, value: e.target.value === "true" })}
        >
          <option value="true">{t("automation.yes")}</option>
          <option value="false">{t("automation.no")}</option>
        </select>
      )}
      {!noValue && choices && (
        <select
          aria-label={t("automation.valueOf", { number })}
          value={String(condition.value)}
          onChange={(e) => onChange({ ...condition, value: e.target.value })}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      )}
      {!noValue && (kind === "number" || kind === "id") && (
        <input
          aria-label={t("automation.valueOf", { number })}
          type="number"
          min={0}
          value={Number(condition.value ?? 0)}
          onChange={(e) => onChange({ ...condition, value: Number(e.target.value) })}
        />
      )}
      {!noValue && (kind === "text" || kind === "list") && (
        <input
          aria-label={t("automation.valueOf", { number })}
          required
          maxLength={500}
          placeholder={
            condition.field === "message.content" && condition.operator.endsWith("contains")
              ? t("automation.wordsHint")
              : ""
          }
          value={String(condition.value ?? "")}
          onChange={(e) => onChange({ ...condition, value: e.target.value })}
        />
      )}
      <button
        type="button"
        className="button ghost"
        aria-label={t("automation.removeCondition", { number })}
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
}

function EffectRow({
  index,
  effect,
  members,
  webhooks,
  onChange,
  onRemove,
}: {
  index: number;
  effect: Effect;
  members: Member[];
  webhooks: Webhook[];
  onChange: (effect: Effect) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const number = index + 1;
  return (
    <div className="rule-row" role="group" aria-label={t("automation.effectN", { number })}>
      <select
        aria-label={t("automation.effectOf", { number })}
        value={effect.type}
        onChange={(e) => onChange(newEffect(e.target.value as EffectType, webhooks[0]?.id))}
      >
        {EFFECTS.map((type) => (
          <option key={type} value={type}>
            {t(`automation.effect.${type}`)}
          </option>
        ))}
      </select>
      {(effect.type === "send_message" || effect.type === "send_note") && (
        <textarea
          aria-label={t("automation.contentOf", { number })}
          required
          maxLength={5000}
          rows={2}
          placeholder={`${t("automation.variablesHint")} ${VARIABLES}`}
          value={effect.content ?? ""}
          onChange={(e) => onChange({ ...effect, content: e.target.value })}
        />
      )}
      {effect.type === "assign" && (
        <select
          aria-label={t("automation.agentOf", { number })}
          value={
            effect.strategy === "round_robin" || effect.agent_id === undefined ? "round_robin" : String(effect.agent_id)
          }
          onChange={(e) =>
            onChange(
              e.target.value === "round_robin"
                ? { type: "assign", strategy: "round_robin" }
                : { type: "assign", agent_id: Number(e.target.value) },
            )
          }
        >
          <option value="round_robin">{t("automation.roundRobin")}</option>
          {members.map((member) => (
            <option key={String(member.user.id)} value={String(member.user.id)}>
              {member.user.name || member.user.email}
            </option>
          ))}
        </select>
      )}
      {(effect.type === "add_tag" || effect.type === "remove_tag") && (
        <input
          aria-label={t("automation.tagOf", { number })}
          required
          maxLength={50}
          value={effect.tag ?? ""}
          onChange={(e) => onChange({ ...effect, tag: e.target.value })}
        />
      )}
      {effect.type === "set_priority" && (
        <select
          aria-label={t("automation.priorityOf", { number })}
          value={effect.priority}
          onChange={(e) => onChange({ ...effect, priority: e.target.value })}
        >
          {ENUMS.priority!.map((priority) => (
            <option key={priority} value={priority}>
              {t(`priority.${priority}`)}
            </option>
          ))}
        </select>
      )}
      {effect.type === "set_status" && (
        <>
          <select
            aria-label={t("automation.statusOf", { number })}
            value={effect.status}
            onChange={(e) => onChange({ ...effect, status: e.target.value })}
          >
            {ENUMS.status!.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
          {effect.status === "snoozed" && (
            <input
              aria-label={t("automation.snoozeMinutesOf", { number })}
              type="number"
              min={1}
              required
              value={effect.minutes ?? 60}
              onChange={(e) => onChange({ ...effect, minutes: Number(e.target.value) })}
            />
          )}
        </>
      )}
      {effect.type === "email_transcript" && <span className="muted small">{t("automation.transcriptHint")}</span>}
      {effect.type === "call_webhook" && (
        <>
          <select
            aria-label={t("automation.webhookOf", { number })}
            required
            value={effect.webhook_id === undefined ? "" : String(effect.webhook_id)}
            onChange={(e) => onChange({ type: "call_webhook", webhook_id: Number(e.target.value) })}
          >
            <option value="" disabled>
              {t("automation.chooseWebhook")}
            </option>
            {webhooks.map((webhook) => (
              <option key={String(webhook.id)} value={String(webhook.id)}>
                {(webhook.description || webhook.url) + (webhook.enabled ? "" : ` ${t("automation.webhookDisabled")}`)}
              </option>
            ))}
          </select>
          {webhooks.length === 0 && <span className="muted small">{t("automation.noWebhooks")}</span>}
        </>
      )}
      {onRemove && (
        <button
          type="button"
          className="button ghost"
          aria-label={t("automation.removeEffect", { number })}
          onClick={onRemove}
        >
          ×
        </button>
      )}
    </div>
  );
}
