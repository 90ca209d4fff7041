import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { Project } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import {
  FIELD_TYPES,
  fieldNameFrom,
  inboxSettingsApi,
  toForm,
  toPatch,
  WEEKDAYS,
  WIDGET_LOCALES,
} from "./inboxSettingsForm";
import type { InboxSettingsForm, PrechatField } from "./inboxSettingsForm";
import { SaveFooter } from "./SaveFooter";
import { useSave } from "./useSave";

const LOCALE_NAMES: Record<string, string> = { en: "English", es: "Español", fr: "Français", de: "Deutsch" };

function weekdayName(day: string, language: string): string {
  // 1 January 2024 was a Monday, the server's day "0".
  return new Intl.DateTimeFormat(language, { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, 1 + Number(day))),
  );
}

/** Auto-assignment, business hours, the widget's pre-chat form and language (`/inbox-settings`). */
export function InboxSettings({ project }: { project: Project }) {
  const { t, i18n } = useTranslation();
  const isManager = project.role === "MANAGER";
  const [form, setForm] = useState<InboxSettingsForm | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const save = useSave();

  useEffect(() => {
    let isCurrent = true;
    inboxSettingsApi
      .get(project.id)
      .then((settings) => isCurrent && setForm(toForm(settings)))
      .catch((error) => isCurrent && setLoadError(errorMessage(error)));
    return () => {
      isCurrent = false;
    };
  }, [project.id]);

  if (!form) {
    return (
      <section aria-labelledby="inbox-settings-title">
        <h2 id="inbox-settings-title">{t("settings.tab.inbox")}</h2>
        {loadError ? <ErrorNotice message={loadError} /> : <p className="muted">{t("common.loading")}</p>}
      </section>
    );
  }

  const change = (patch: Partial<InboxSettingsForm>) => setForm({ ...form, ...patch });
  const setRanges = (day: string, ranges: Array<[string, string]>) => change({ days: { ...form.days, [day]: ranges } });
  const setField = (index: number, patch: Partial<PrechatField>) =>
    change({ fields: form.fields.map((field, other) => (other === index ? { ...field, ...patch } : field)) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save.run(async () => setForm(toForm(await inboxSettingsApi.update(project.id, toPatch(form)))));
  };

  return (
    <section aria-labelledby="inbox-settings-title">
      <h2 id="inbox-settings-title">{t("settings.tab.inbox")}</h2>
      <form className="form inbox-settings" onSubmit={submit}>
        <fieldset disabled={!isManager || save.isBusy}>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.autoAssign}
              onChange={(e) => change({ autoAssign: e.target.checked })}
            />
            {t("inboxSettings.autoAssign")}
          </label>
          <label htmlFor="agent-capacity">{t("inboxSettings.capacity")}</label>
          <input
            id="agent-capacity"
            type="number"
            min={1}
            max={1000}
            required
            value={form.capacity}
            onChange={(e) => change({ capacity: e.target.value })}
          />
          <label htmlFor="widget-locale">{t("inboxSettings.locale")}</label>
          <select id="widget-locale" value={form.locale} onChange={(e) => change({ locale: e.target.value })}>
            {!(WIDGET_LOCALES as readonly string[]).includes(form.locale) && (
              <option value={form.locale}>{form.locale}</option>
            )}
            {WIDGET_LOCALES.map((code) => (
              <option key={code} value={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>

          <h3>{t("inboxSettings.hours")}</h3>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.hoursEnabled}
              onChange={(e) => change({ hoursEnabled: e.target.checked })}
            />
            {t("inboxSettings.hoursEnabled")}
          </label>
          {form.hoursEnabled && (
            <>
              <label htmlFor="hours-timezone">{t("inboxSettings.timezone")}</label>
              <input
                id="hours-timezone"
                required
                value={form.timezone}
                onChange={(e) => change({ timezone: e.target.value })}
              />
              <ul className="business-hours">
                {WEEKDAYS.map((day) => {
                  const name = weekdayName(day, i18n.language);
                  const ranges = form.days[day] ?? [];
                  return (
                    <li key={day}>
                      <span className="weekday">{name}</span>
                      {ranges.length === 0 && <span className="muted small">{t("inboxSettings.closed")}</span>}
                      {ranges.map(([start, end], index) => (
                        <span key={index} className="inline-field">
                          <input
                            type="time"
                            required
                            aria-label={t("inboxSettings.opens", { day: name })}
                            value={start}
                            onChange={(e) =>
                              setRanges(
                                day,
                                ranges.map((range, other) => (other === index ? [e.target.value, range[1]] : range)),
                              )
                            }
                          />
                          –
                          <input
                            type="time"
                            required
                            aria-label={t("inboxSettings.closes", { day: name })}
                            value={end}
                            onChange={(e) =>
                              setRanges(
                                day,
                                ranges.map((range, other) => (other === index ? [range[0], e.target.value] : range)),
                              )
                            }
                          />
                          <button
                            type="button"
                            className="link-button"
                            aria-label={t("inboxSettings.removeHours", { day: name })}
                            onClick={() =>
                              setRanges(
                                day,
                                ranges.filter((_, other) => other !== index),
                              )
                            }
                          >
                            ×
                          </button>
                        </span>
                      ))}
                      <button
                        type="button"
                        className="link-button"
                        aria-label={t("inboxSettings.addHoursFor", { day: name })}
                        onClick={() =>
                          setRanges(day, [...ranges, ranges.length ? ["14:00", "18:00"] : ["09:00", "17:00"]])
                        }
                      >
                        {t("inboxSettings.addHours")}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </>
          )}

          <h3>{t("inboxSettings.prechat")}</h3>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.prechatEnabled}
              onChange={(e) => change({ prechatEnabled: e.target.checked })}
            />
            {t("inboxSettings.prechatEnabled")}
          </label>
          <ol className="prechat-fields">
            {form.fields.map((field, index) => (
              <li key={index} className="inline-field">
                <input
                  aria-label={t("inboxSettings.fieldLabel", { number: index + 1 })}
                  placeholder={t("inboxSettings.fieldLabelPlaceholder")}
                  maxLength={120}
                  value={field.label ?? ""}
                  onChange={(e) => {
                    const label = e.target.value;
                    // The name follows the label until it is edited by hand.
                    const follows = !field.name || field.name === fieldNameFrom(field.label ?? "");
                    setField(index, follows ? { label, name: fieldNameFrom(label) } : { label });
                  }}
                />
                <input
                  aria-label={t("inboxSettings.fieldName", { number: index + 1 })}
                  required
                  pattern="[a-z_][a-z0-9_]*"
                  maxLength={40}
                  value={field.name}
                  onChange={(e) => setField(index, { name: e.target.value })}
                />
                <select
                  aria-label={t("inboxSettings.fieldType", { number: index + 1 })}
                  value={field.type}
                  onChange={(e) => setField(index, { type: e.target.value as PrechatField["type"] })}
                >
                  {FIELD_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`inboxSettings.types.${type}`)}
                    </option>
                  ))}
                </select>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={field.required}
                    onChange={(e) => setField(index, { required: e.target.checked })}
                  />
                  {t("inboxSettings.required")}
                </label>
                <button
                  type="button"
                  className="link-button"
                  aria-label={t("inboxSettings.removeField", { number: index + 1 })}
                  onClick={() => change({ fields: form.fields.filter((_, other) => other !== index) })}
                >
                  ×
                </button>
              </li>
            ))}
          </ol>
          {form.fields.length < 10 && (
            <button
              type="button"
              className="button secondary"
              onClick={() =>
                change({ fields: [...form.fields, { name: "", label: "", type: "text", required: false }] })
              }
            >
              {t("inboxSettings.addField")}
            </button>
          )}
          <p className="muted small">{t("inboxSettings.prechatHelp")}</p>

          <SaveFooter save={save} canSave={isManager} />
        </fieldset>
      </form>
    </section>
  );
}
