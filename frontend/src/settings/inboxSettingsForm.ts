/** `GET/PATCH /projects/{pid}/inbox-settings` and the form that edits it. */
import { api } from "../api/client";
import type { Id, InboxSettings, InboxSettingsPatch, PrechatField as PrechatFieldBody } from "../api/types";

export type PrechatFieldType = NonNullable<PrechatFieldBody["type"]>;

/** A pre-chat field as the form edits it: every property set. */
export type PrechatField = Required<PrechatFieldBody>;

export const inboxSettingsApi = {
  get: (projectId: Id) => api.get<InboxSettings>(`/projects/${encodeURIComponent(String(projectId))}/inbox-settings`),
  update: (projectId: Id, patch: InboxSettingsPatch) =>
    api.patch<InboxSettings>(`/projects/${encodeURIComponent(String(projectId))}/inbox-settings`, patch),
};

export const WEEKDAYS = ["0", "1", "2", "3", "4", "5", "6"] as const;
export const WIDGET_LOCALES = ["en", "es", "fr", "de"] as const;
export const FIELD_TYPES: PrechatFieldType[] = ["text", "email", "tel", "number", "textarea"];

export interface InboxSettingsForm {
  autoAssign: boolean;
  capacity: string;
  locale: string;
  hoursEnabled: boolean;
  timezone: string;
  /** Every weekday, with its ranges (none = closed that day). */
  days: Record<string, Array<[string, string]>>;
  prechatEnabled: boolean;
  fields: PrechatField[];
}

function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function toForm(settings: InboxSettings): InboxSettingsForm {
  const hours = settings.business_hours;
  const days: Record<string, Array<[string, string]>> = {};
  for (const day of WEEKDAYS) {
    days[day] = hours?.days?.[day]?.map(([start, end]) => [start, end] as [string, string]) ?? [];
  }
  return {
    autoAssign: settings.auto_assign,
    capacity: String(settings.agent_capacity),
    locale: settings.locale,
    hoursEnabled: Boolean(hours && Object.values(hours.days ?? {}).some((ranges) => ranges?.length)),
    timezone: hours?.timezone || localTimezone(),
    days,
    prechatEnabled: Boolean(settings.prechat?.enabled),
    fields: (settings.prechat?.fields ?? []).map((field) => ({
      name: field.name,
      label: field.label ?? "",
      type: field.type ?? "text",
      required: Boolean(field.required),
    })),
  };
}

/** The PATCH body; business hours off (or no open day) means always open. */
export function toPatch(form: InboxSettingsForm): InboxSettings {
  const days: Record<string, Array<[string, string]>> = {};
  for (const day of WEEKDAYS) {
    const ranges = (form.days[day] ?? []).filter(([start, end]) => start && end);
    if (ranges.length) days[day] = ranges;
  }
  return {
    auto_assign: form.autoAssign,
    agent_capacity: Number.parseInt(form.capacity, 10),
    locale: form.locale,
    business_hours:
      form.hoursEnabled && Object.keys(days).length ? { timezone: form.timezone.trim() || "UTC", days } : null,
    prechat: {
      enabled: form.prechatEnabled,
      fields: form.fields
        .filter((field) => field.name.trim())
        .map((field) => ({
          name: field.name.trim(),
          ...(field.label?.trim() ? { label: field.label.trim() } : {}),
          type: field.type,
          required: field.required,
        })),
    },
  };
}

/** A field name the server accepts (the widget sends it as the key of an attribute). */
export function fieldNameFrom(text: string): string {
  const name = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z_]+/, "")
    .slice(0, 40);
  return name;
}
