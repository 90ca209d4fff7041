import { describe, expect, it } from "vitest";
import { EFFECTS, emptyDraft, newEffect, toBody, withField, withOperator } from "./ruleForm";

describe("rule form", () => {
  it("keeps operator and value in step with the field's kind", () => {
    const text = { field: "message.content", operator: "contains", value: "refund" };
    const number = withField(text, "agents.online");
    expect(number).toEqual({ field: "agents.online", operator: "equals", value: 0 });
    const status = withField(number, "conversation.status");
    expect(status).toEqual({ field: "conversation.status", operator: "equals", value: "open" });
    expect(withOperator(text, "is_set").value).toBeNull();
    expect(withField(text, "visitor.name").value).toBe("refund");
  });

  it("sends only the parameters each trigger and effect takes", () => {
    const draft = {
      ...emptyDraft(),
      name: "  Escalate ",
      trigger: { type: "no_agent_reply" as const, minutes: 5, sender: "agent" as const },
      effects: [
        { ...newEffect("assign"), agent_id: 7, strategy: undefined },
        { type: "set_status" as const, status: "snoozed", minutes: 30, tag: "stale" },
        { type: "set_status" as const, status: "resolved", minutes: 30 },
      ],
    };
    expect(toBody(draft)).toEqual({
      name: "Escalate",
      enabled: true,
      trigger: { type: "no_agent_reply", minutes: 5 },
      conditions: [],
      match: "all",
      effects: [
        { type: "assign", agent_id: 7 },
        { type: "set_status", status: "snoozed", minutes: 30 },
        { type: "set_status", status: "resolved" },
      ],
    });
  });

  it("offers the integrations' effects, a webhook call starting at the first endpoint", () => {
    expect(EFFECTS).toContain("email_transcript");
    expect(EFFECTS).toContain("call_webhook");
    expect(newEffect("call_webhook", 12)).toEqual({ type: "call_webhook", webhook_id: 12 });
    expect(newEffect("call_webhook")).toEqual({ type: "call_webhook" });
    const draft = {
      ...emptyDraft(),
      name: "Tell the CRM",
      effects: [
        { type: "email_transcript" as const, content: "left over" },
        { type: "call_webhook" as const, webhook_id: "12" as unknown as number },
      ],
    };
    expect(toBody(draft).effects).toEqual([{ type: "email_transcript" }, { type: "call_webhook", webhook_id: 12 }]);
  });
});
