import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { errorMessage } from "../api/client";
import { useTranslation } from "react-i18next";
import type { Conversation, Project, Visitor } from "../api/types";
import { Link } from "../app/router";
import { ScreenshotButton } from "../integrations/ScreenshotButton";
import { VisitorNotes } from "../integrations/VisitorNotes";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime, formatListTime } from "../ui/format";
import { ClaimedLabel, VerifiedBadge } from "./IdentityBadge";
import { peopleApi } from "./inboxApi";
import { useInboxStore } from "./useInboxStore";
import { useVisitorStore } from "./visitorStore";
import { VisitorDataRights } from "../privacy/VisitorDataRights";

function displayValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Who the visitor is, where they are and what they asked before. */
export function VisitorPanel({ project, conversation }: { project: Project; conversation: Conversation }) {
  const { t } = useTranslation();
  const visitorId = conversation.visitor_id;
  const entry = useVisitorStore((state) => state.byId[visitorId]);

  useEffect(() => {
    void useVisitorStore.getState().load(project.id, visitorId);
  }, [project.id, visitorId]);

  const visitor = entry?.visitor;
  const isOnline = conversation.visitor?.online ?? visitor?.online ?? false;
  const name = visitor?.name || conversation.visitor?.name || t("inbox.visitorFallback");
  const email = visitor?.email ?? conversation.visitor?.email;
  const isVerified = visitor?.is_identity_verified ?? conversation.visitor?.is_identity_verified;
  const pageUrl = visitor?.page_url && /^https?:\/\//i.test(visitor.page_url) ? visitor.page_url : null;
  const past = (entry?.pastConversations ?? []).filter((item) => String(item.id) !== String(conversation.id));

  return (
    <aside className="visitor-panel" aria-labelledby="visitor-title">
      <h2 id="visitor-title">
        {name} <VerifiedBadge verified={isVerified} />
      </h2>
      {visitor && <VisitorEditor key={String(visitor.id)} projectId={project.id} visitor={visitor} />}
      <p className="visitor-online">
        <span className={`presence-dot ${isOnline ? "online" : "offline"}`} aria-hidden="true" />
        {isOnline ? t("visitor.online") : t("visitor.offline")}
      </p>
      <ErrorNotice message={entry?.error} />
      <dl className="facts">
        <dt>{t("visitor.email")}</dt>
        <dd>
          {email || "—"} <ClaimedLabel verified={isVerified} email={email} />
        </dd>
        <dt>{t("visitor.currentPage")}</dt>
        <dd>
          {pageUrl ? (
            <a href={pageUrl} target="_blank" rel="noopener noreferrer">
              {visitor?.page_title || pageUrl}
            </a>
          ) : (
            visitor?.page_title || "—"
          )}
        </dd>
        <dt>{t("visitor.browser")}</dt>
        <dd>{[visitor?.browser, visitor?.os].filter(Boolean).join(" · ") || "—"}</dd>
        <dt>{t("visitor.firstSeen")}</dt>
        <dd>{formatDateTime(visitor?.first_seen_at) || "—"}</dd>
        <dt>{t("visitor.lastSeen")}</dt>
        <dd>{formatDateTime(visitor?.last_seen_at) || "—"}</dd>
      </dl>
      {visitor && Object.keys(visitor.attributes ?? {}).length > 0 && (
        <>
          <h3>{t("visitor.attributes")}</h3>
          <dl className="facts">
            {Object.entries(visitor.attributes).map(([key, value]) => (
              <div key={key} className="fact">
                <dt>{key}</dt>
                <dd>{displayValue(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {visitor && <ScreenshotButton project={project} visitor={visitor} />}
      <VisitorNotes project={project} visitorId={conversation.visitor_id} />
      <h3>{t("visitor.pastConversations")}</h3>
      {past.length === 0 ? (
        <p className="muted small">{t("visitor.noPastConversations")}</p>
      ) : (
        <ul className="past-conversations">
          {past.map((item) => (
            <li key={String(item.id)}>
              <Link to={`/projects/${project.id}/conversations/${item.id}`}>
                <span className={`chip status-${item.status}`}>{t(`status.${item.status}`)}</span>{" "}
                <span className="row-preview">{item.last_message?.content ?? t("inbox.noMessages")}</span>{" "}
                <span className="muted small">{formatListTime(item.last_message_at ?? item.created_at)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <VisitorDataRights project={project} visitorId={conversation.visitor_id} />
    </aside>
  );
}

/** Agents correct a visitor's name and email (PATCH /visitors/{id}). */
function VisitorEditor({ projectId, visitor }: { projectId: Project["id"]; visitor: Visitor }) {
  const { t } = useTranslation();
  const [isEditing, setEditing] = useState(false);
  const [name, setName] = useState(visitor.name ?? "");
  const [email, setEmail] = useState(visitor.email ?? "");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  if (!isEditing) {
    return (
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setName(visitor.name ?? "");
          setEmail(visitor.email ?? "");
          setError(null);
          setEditing(true);
        }}
      >
        {t("visitor.edit")}
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const updated = await peopleApi.updateVisitor(projectId, visitor.id, {
        name: name.trim() || null,
        email: email.trim() || null,
      });
      useVisitorStore.getState().receive(updated);
      useInboxStore.getState().receiveVisitor(updated);
      setEditing(false);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form visitor-editor" onSubmit={submit}>
      <fieldset disabled={isBusy}>
        <label htmlFor="visitor-name">{t("visitor.name")}</label>
        <input id="visitor-name" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="visitor-email">{t("visitor.email")}</label>
        <input
          id="visitor-email"
          type="email"
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <ErrorNotice message={error} />
        <span className="inline-field">
          <button type="submit" className="button primary">
            {t("common.save")}
          </button>
          <button type="button" className="button ghost" onClick={() => setEditing(false)}>
            {t("common.cancel")}
          </button>
        </span>
      </fieldset>
    </form>
  );
}
