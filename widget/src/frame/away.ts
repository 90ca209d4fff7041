/** Away mode and pre-chat rules, read from the widget config (missing fields mean "available", "no form"). */
import type { PrechatField, Visitor, WidgetConfig } from "../shared/types";

/** Away when the config says no agent is online, or that we are outside business hours. */
export function isAway(config: WidgetConfig): boolean {
  return config.agents_online === false || config.within_business_hours === false;
}

export function prechatFields(config: WidgetConfig): PrechatField[] {
  return config.prechat?.enabled ? (config.prechat.fields || []).filter((field) => field && field.name) : [];
}

/**
 * The pre-chat form shows once, before the first conversation, and only when
 * it has something to ask: name and email may already be known (setUser).
 */
export function needsPrechat(config: WidgetConfig, visitor: Visitor, hasHistory: boolean, isDone: boolean): boolean {
  if (isDone || hasHistory) return false;
  return prechatFields(config).some((field) =>
    field.name === "name" ? !visitor.name : field.name === "email" ? !visitor.email : true,
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (value: string) => EMAIL.test(value.trim());
