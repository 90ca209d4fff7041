import { describe, expect, it } from "vitest";
import { fieldNameFrom, toForm, toPatch } from "./inboxSettingsForm";
import type { InboxSettings } from "../api/types";

const stored: InboxSettings = {
  auto_assign: true,
  agent_capacity: 5,
  business_hours: {
    timezone: "Europe/Madrid",
    days: {
      "0": [
        ["09:00", "13:00"],
        ["15:00", "18:00"],
      ],
      "4": [["09:00", "14:00"]],
    },
  },
  prechat: { enabled: true, fields: [{ name: "email", label: "Your email", type: "email", required: true }] },
  locale: "es",
};

describe("inbox settings form", () => {
  it("round-trips the server's settings", () => {
    expect(toPatch(toForm(stored))).toEqual(stored);
  });

  it("sends business_hours null when they are off or no day is open", () => {
    const form = toForm(stored);
    expect(toPatch({ ...form, hoursEnabled: false }).business_hours).toBeNull();
    const closedAllWeek = { ...form, days: Object.fromEntries(Object.keys(form.days).map((day) => [day, []])) };
    expect(toPatch(closedAllWeek).business_hours).toBeNull();
  });

  it("starts from the defaults of a project without saved settings", () => {
    const form = toForm({
      auto_assign: false,
      agent_capacity: 10,
      business_hours: null,
      prechat: { enabled: false, fields: [] },
      locale: "en",
    });
    expect(form).toMatchObject({
      autoAssign: false,
      capacity: "10",
      hoursEnabled: false,
      prechatEnabled: false,
      fields: [],
    });
    expect(Object.keys(form.days)).toHaveLength(7);
  });

  it("leaves out blank pre-chat fields and empty labels", () => {
    const form = {
      ...toForm(stored),
      fields: [
        { name: " order_id ", label: " ", type: "text" as const, required: false },
        { name: "", label: "x", type: "text" as const, required: true },
      ],
    };
    expect(toPatch(form).prechat.fields).toEqual([{ name: "order_id", type: "text", required: false }]);
  });

  it("turns a label into a field name the server accepts", () => {
    expect(fieldNameFrom("Order number")).toBe("order_number");
    expect(fieldNameFrom("2nd phone")).toBe("nd_phone");
  });
});
