import { useTranslation } from "react-i18next";
import type { Conversation, Id, Project } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import { ConversationFilters } from "./ConversationFilters";
import { ConversationRow } from "./ConversationRow";
import { TeamPresence } from "./TeamPresence";
import { useInboxStore } from "./useInboxStore";

/** The left column: filters, the live list sorted by last activity, and the team. */
export function ConversationList({
  project,
  conversations,
  activeId,
}: {
  project: Project;
  conversations: Conversation[];
  activeId: Id | null;
}) {
  const { t } = useTranslation();
  const listStatus = useInboxStore((state) => state.listStatus);
  const listError = useInboxStore((state) => state.listError);
  const nextCursor = useInboxStore((state) => state.nextCursor);
  const loadMore = useInboxStore((state) => state.loadMoreConversations);

  return (
    <aside className="conversation-list" aria-label={t("inbox.conversations")}>
      <ConversationFilters />
      <ErrorNotice message={listError} />
      <ul className="conversation-rows" aria-label={t("inbox.conversations")} aria-busy={listStatus === "loading"}>
        {conversations.map((conversation) => (
          <ConversationRow
            key={String(conversation.id)}
            conversation={conversation}
            href={`/projects/${project.id}/conversations/${conversation.id}`}
            isActive={conversation.id === activeId}
          />
        ))}
      </ul>
      {listStatus === "ready" && conversations.length === 0 && <p className="empty muted">{t("inbox.empty")}</p>}
      {listStatus === "loading" && conversations.length === 0 && <p className="empty muted">{t("common.loading")}</p>}
      {nextCursor && (
        <button
          type="button"
          className="button secondary load-more"
          onClick={() => void loadMore()}
          disabled={listStatus === "loading"}
        >
          {t("inbox.loadMore")}
        </button>
      )}
      <TeamPresence />
    </aside>
  );
}
