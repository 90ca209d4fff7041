import { useTranslation } from "react-i18next";
import type { Conversation } from "../api/types";
import { Link } from "../app/router";
import { formatListTime } from "../ui/format";
import { VerifiedBadge } from "./IdentityBadge";

function isNotable(priority: Conversation["priority"]): boolean {
  return priority === "high" || priority === "urgent" || priority === "low";
}

/** One line of the list: visitor, last message preview, time, unread count. */
export function ConversationRow({
  conversation,
  href,
  isActive,
}: {
  conversation: Conversation;
  href: string;
  isActive: boolean;
}) {
  const { t } = useTranslation();
  const visitorName = conversation.visitor?.name || conversation.visitor?.email || t("inbox.visitorFallback");
  const last = conversation.last_message;
  const unread = conversation.unread_count ?? 0;
  const preview = last
    ? `${last.private ? `${t("inbox.notePrefix")} ` : last.sender_type === "agent" ? `${t("inbox.youPrefix")} ` : ""}${last.content}`
    : t("inbox.noMessages");
  return (
    <li className={`conversation-row ${isActive ? "active" : ""} ${unread ? "unread" : ""}`}>
      <Link to={href} aria-current={isActive ? "true" : undefined} data-conversation-id={String(conversation.id)}>
        <span className="row-top">
          <span className={`presence-dot ${conversation.visitor?.online ? "online" : "offline"}`} aria-hidden="true" />
          <span className="row-visitor">{visitorName}</span>
          <VerifiedBadge verified={conversation.visitor?.is_identity_verified} />
          <span className="visually-hidden">
            {conversation.visitor?.online ? t("visitor.online") : t("visitor.offline")}
          </span>
          <time className="row-time" dateTime={conversation.last_message_at ?? conversation.created_at}>
            {formatListTime(conversation.last_message_at ?? conversation.created_at)}
          </time>
        </span>
        <span className="row-bottom">
          <span className="row-preview">{preview}</span>
          {unread > 0 && (
            <span className="unread-badge" aria-label={t("inbox.unreadCount", { count: unread })}>
              {unread}
            </span>
          )}
        </span>
        {(conversation.status !== "open" || isNotable(conversation.priority)) && (
          <span className="row-meta">
            {conversation.status !== "open" && (
              <span className={`chip status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
            )}
            {isNotable(conversation.priority) && conversation.priority && (
              <span className={`chip priority-${conversation.priority}`}>{t(`priority.${conversation.priority}`)}</span>
            )}
          </span>
        )}
      </Link>
    </li>
  );
}
