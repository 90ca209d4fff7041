import { useEffect, useEffectEvent, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Project, Webhook, WebhookDeliveryAttempt, WebhookEvent } from "../api/types";
import { useSave } from "../settings/useSave";
import { CopyButton } from "../ui/CopyButton";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { WEBHOOK_EVENTS, webhooksApi } from "./integrationsApi";

/** Webhook endpoints (managers): create with events, secret shown once, rotate, delivery log, redeliver, test event. */
export function WebhooksSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["message.created", "conversation.created"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [openLog, setOpenLog] = useState<Webhook["id"] | null>(null);
  const list = useSave();
  const form = useSave();

  const reload = async () => setHooks((await webhooksApi.list(project.id)).items);
  // Loads on opening, and again for another project; `reload` itself may change with every render.
  const loadFirst = useEffectEvent(() => void list.run(reload));
  useEffect(() => loadFirst(), [project.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await form.run(async () => {
      const created = await webhooksApi.create(project.id, {
        url: url.trim(),
        events,
        description: description.trim() || null,
      });
      setSecret(created.secret ?? null);
      await reload();
    });
    if (ok) {
      setUrl("");
      setDescription("");
    }
  };

  const act = (action: () => Promise<unknown>) =>
    void list.run(async () => {
      await action();
      await reload();
    });

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t("integrations.webhooks.title")}</h2>
      <p className="muted small">{t("integrations.webhooks.help")}</p>
      <form className="form" onSubmit={submit}>
        <fieldset disabled={form.isBusy}>
          <label htmlFor="webhook-url">{t("integrations.webhooks.url")}</label>
          <input
            id="webhook-url"
            type="url"
            required
            maxLength={2048}
            placeholder="https://example.com/hooks/livechat"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <label htmlFor="webhook-description">{t("integrations.webhooks.description")}</label>
          <input
            id="webhook-description"
            maxLength={500}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <fieldset className="checkbox-group">
            <legend>{t("integrations.webhooks.events")}</legend>
            {WEBHOOK_EVENTS.map((name) => (
              <label key={name} className="checkbox">
                <input
                  type="checkbox"
                  checked={events.includes(name)}
                  onChange={(e) =>
                    setEvents(e.target.checked ? [...events, name] : events.filter((item) => item !== name))
                  }
                />{" "}
                <code>{name}</code>
              </label>
            ))}
          </fieldset>
          <button className="button primary" type="submit" disabled={events.length === 0}>
            {t("integrations.webhooks.create")}
          </button>
        </fieldset>
      </form>
      <ErrorNotice message={form.error} />
      {secret && (
        <div className="secret-box" role="status">
          <p>
            <strong>{t("integrations.webhooks.secretShownOnce")}</strong>
          </p>
          <code className="break" data-testid="webhook-secret">
            {secret}
          </code>{" "}
          <CopyButton text={secret} />
          <button type="button" className="button ghost" onClick={() => setSecret(null)}>
            {t("apiKeys.done")}
          </button>
        </div>
      )}
      <ErrorNotice message={list.error} />
      {hooks === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : hooks.length === 0 ? (
        <p className="muted">{t("integrations.webhooks.none")}</p>
      ) : (
        <ul className="webhook-list">
          {hooks.map((hook) => (
            <li key={String(hook.id)} className="card">
              <p>
                <code className="break">{hook.url}</code>{" "}
                <span className={`chip ${hook.enabled ? "" : "status-resolved"}`}>
                  {hook.enabled ? t("integrations.webhooks.enabled") : t("integrations.webhooks.disabled")}
                </span>
              </p>
              {hook.description && <p className="muted small">{hook.description}</p>}
              {hook.disabled_reason && <p className="muted small">{hook.disabled_reason}</p>}
              <p className="small">{hook.events.join(", ")}</p>
              <span className="inline-field">
                <button
                  type="button"
                  className="button ghost"
                  onClick={() => act(() => webhooksApi.update(project.id, hook.id, { enabled: !hook.enabled }))}
                >
                  {hook.enabled ? t("integrations.webhooks.disable") : t("integrations.webhooks.enable")}
                </button>
                <button
                  type="button"
                  className="button ghost"
                  disabled={!hook.enabled}
                  title={hook.enabled ? undefined : t("integrations.webhooks.enableFirst")}
                  onClick={() => act(() => webhooksApi.test(project.id, hook.id))}
                >
                  {t("integrations.webhooks.sendTest")}
                </button>
                <button
                  type="button"
                  className="button ghost"
                  onClick={() => {
                    if (!window.confirm(t("integrations.webhooks.rotateConfirm"))) return;
                    void list.run(async () => setSecret((await webhooksApi.rotate(project.id, hook.id)).secret));
                  }}
                >
                  {t("integrations.webhooks.rotate")}
                </button>
                <button
                  type="button"
                  className="button ghost"
                  aria-expanded={openLog === hook.id}
                  onClick={() => setOpenLog(openLog === hook.id ? null : hook.id)}
                >
                  {t("integrations.webhooks.deliveries")}
                </button>
                <button
                  type="button"
                  className="button ghost"
                  onClick={() => {
                    if (window.confirm(t("integrations.webhooks.deleteConfirm", { url: hook.url })))
                      act(() => webhooksApi.remove(project.id, hook.id));
                  }}
                >
                  {t("integrations.webhooks.delete")}
                </button>
              </span>
              {openLog === hook.id && <DeliveryLog project={project} webhook={hook} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Every attempt to one endpoint, newest first, with redeliver. */
function DeliveryLog({ project, webhook }: { project: Project; webhook: Webhook }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<WebhookDeliveryAttempt[] | null>(null);
  const state = useSave();
  const reload = async () => setItems((await webhooksApi.deliveries(project.id, webhook.id)).items);
  const loadFirst = useEffectEvent(() => void state.run(reload));
  useEffect(() => loadFirst(), [webhook.id]);

  return (
    <div className="delivery-log">
      <button type="button" className="link-button" onClick={() => void state.run(reload)}>
        {t("integrations.webhooks.refresh")}
      </button>
      <ErrorNotice message={state.error} />
      {items !== null && items.length === 0 && <p className="muted small">{t("integrations.webhooks.noDeliveries")}</p>}
      {items !== null && items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("integrations.webhooks.when")}</th>
              <th scope="col">{t("integrations.webhooks.event")}</th>
              <th scope="col">{t("integrations.webhooks.attempt")}</th>
              <th scope="col">{t("integrations.webhooks.status")}</th>
              <th scope="col">{t("integrations.webhooks.duration")}</th>
              <th scope="col">{t("integrations.webhooks.nextRetry")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={String(item.id)}>
                <td>{formatDateTime(item.created_at)}</td>
                <td>
                  <code>{item.event_type}</code>
                  <br />
                  <span className="muted small">{item.webhook_message_id}</span>
                </td>
                <td>
                  {item.attempt}
                  {item.is_manual ? ` (${t("integrations.webhooks.manual")})` : ""}
                </td>
                <td title={item.response_snippet ?? undefined}>
                  {item.is_success ? "✓ " : "✗ "}
                  {item.status_code ?? item.error}
                </td>
                <td>{item.duration_ms} ms</td>
                <td>{formatDateTime(item.next_retry_at) || "—"}</td>
                <td>
                  <button
                    type="button"
                    className="button ghost"
                    disabled={!webhook.enabled}
                    title={webhook.enabled ? undefined : t("integrations.webhooks.enableFirst")}
                    onClick={() =>
                      void state.run(async () => {
                        await webhooksApi.redeliver(project.id, webhook.id, item.delivery_id);
                        await reload();
                      })
                    }
                  >
                    {t("integrations.webhooks.redeliver")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
