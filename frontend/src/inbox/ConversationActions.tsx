import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { Conversation, ConversationPatch, Priority, Project } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { useMembersStore } from "../projects/membersStore";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { snoozeUntil } from "./snooze";
import type { SnoozeChoice } from "./snooze";
import { TagEditor } from "./TagEditor";
import { useInboxStore } from "./useInboxStore";

const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];
const SNOOZES: SnoozeChoice[] = ["1h", "4h", "tomorrow", "nextWeek"];

/** Assign, take, resolve / reopen / snooze, priority and tags. */
export function ConversationActions({ conversation }: { project: Project; conversation: Conversation }) {
  const { t } = useTranslation();
  const me = useAuthStore((state) => state.user);
  const members = useMembersStore((state) => state.members);
  const updateConversation = useInboxStore((state) => state.updateConversation);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [customSnooze, setCustomSnooze] = useState("");

  const update = async (patch: ConversationPatch) => {
    setBusy(true);
    setError(null);
    try {
      await updateConversation(conversation.id, patch);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const isMine = conversation.assignee_id != null && conversation.assignee_id === me?.id;
  const isResolved = conversation.status === "resolved";
  const isSnoozed = conversation.status === "snoozed";

  return (
    <div className="conversation-actions">
      <div className="action-row">
        <label className="inline-field">
          <span>{t("actions.assignee")}</span>
          <select
            value={conversation.assignee_id != null ? String(conversation.assignee_id) : ""}
            disabled={isBusy}
            onChange={(e) => {
              const member = members.find((item) => String(item.user.id) === e.target.value);
              void update({ assignee_id: member ? member.user.id : null });
            }}
          >
            <option value="">{t("actions.unassigned")}</option>
            {conversation.assignee_id != null && !members.some((m) => m.user.id === conversation.assignee_id) && (
              <option value={String(conversation.assignee_id)}>{t("inbox.agent")}</option>
            )}
            {members.map((member) => (
              <option key={String(member.user.id)} value={String(member.user.id)}>
                {member.user.name || member.user.email}
              </option>
            ))}
          </select>
        </label>
        {!isMine && me && (
          <button
            type="button"
            className="button secondary"
            disabled={isBusy}
            onClick={() => void update({ assignee_id: me.id })}
          >
            {conversation.assignee_id == null ? t("actions.assignToMe") : t("actions.take")}
          </button>
        )}
        {conversation.assignee_id != null && (
          <button
            type="button"
            className="button ghost"
            disabled={isBusy}
            onClick={() => void update({ assignee_id: null })}
          >
            {t("actions.unassign")}
          </button>
        )}
        {isResolved || isSnoozed ? (
          <button
            type="button"
            className="button secondary"
            disabled={isBusy}
            onClick={() => void update({ status: "open", snoozed_until: null })}
          >
            {t("actions.reopen")}
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            disabled={isBusy}
            onClick={() => void update({ status: "resolved" })}
          >
            {t("actions.resolve")}
          </button>
        )}
      </div>
      <div className="action-row">
        <label className="inline-field">
          <span>{t("actions.snooze")}</span>
          <select
            value=""
            disabled={isBusy}
            onChange={(e) => {
              const choice = e.target.value as SnoozeChoice | "custom" | "";
              if (choice === "custom") setCustomSnooze(toLocalInput(new Date(Date.now() + 3600_000)));
              else if (choice)
                void update({ status: "snoozed", snoozed_until: snoozeUntil(choice, new Date()).toISOString() });
            }}
          >
            <option value="">{t("actions.snoozeChoose")}</option>
            {SNOOZES.map((choice) => (
              <option key={choice} value={choice}>
                {t(`snooze.${choice}`)}
              </option>
            ))}
            <option value="custom">{t("snooze.custom")}</option>
          </select>
        </label>
        {customSnooze && (
          <span className="inline-field">
            <label htmlFor="snooze-until">{t("actions.snoozeUntil")}</label>
            <input
              id="snooze-until"
              type="datetime-local"
              value={customSnooze}
              onChange={(e) => setCustomSnooze(e.target.value)}
            />
            <button
              type="button"
              className="button secondary"
              disabled={isBusy}
              onClick={() => {
                const until = new Date(customSnooze);
                if (!Number.isNaN(until.getTime()))
                  void update({ status: "snoozed", snoozed_until: until.toISOString() });
                setCustomSnooze("");
              }}
            >
              {t("actions.snooze")}
            </button>
          </span>
        )}
        {isSnoozed && conversation.snoozed_until && (
          <span className="muted small">
            {t("actions.snoozedUntil", { when: formatDateTime(conversation.snoozed_until) })}
          </span>
        )}
        <label className="inline-field">
          <span>{t("actions.priority")}</span>
          <select
            value={conversation.priority ?? "normal"}
            disabled={isBusy}
            onChange={(e) => void update({ priority: e.target.value as Priority })}
          >
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {t(`priority.${priority}`)}
              </option>
            ))}
          </select>
        </label>
        <span className={`chip status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
      </div>
      <TagEditor tags={conversation.tags ?? []} disabled={isBusy} onChange={(tags) => void update({ tags })} />
      <ErrorNotice message={error} />
    </div>
  );
}

function toLocalInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
