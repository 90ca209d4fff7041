import { useTranslation } from "react-i18next";
import type { Id, Project } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import { Composer } from "./Composer";
import { ConversationActions } from "./ConversationActions";
import { MessageList } from "./MessageList";
import { TypingIndicator } from "./TypingIndicator";
import { useInboxStore } from "./useInboxStore";

/** The open conversation: header with actions, messages, typing, composer. */
export function ConversationView({ project, conversationId }: { project: Project; conversationId: Id }) {
  const { t } = useTranslation();
  const conversation = useInboxStore((state) => state.known[conversationId]);
  const error = useInboxStore((state) => state.timelines[conversationId]?.error ?? null);
  const visitorName = conversation?.visitor?.name || conversation?.visitor?.email || t("inbox.visitorFallback");

  return (
    <section className="conversation-view" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <h1 id="conversation-title">{conversation ? visitorName : t("common.loading")}</h1>
        {conversation && <ConversationActions project={project} conversation={conversation} />}
      </header>
      <ErrorNotice message={error} />
      <MessageList conversationId={conversationId} />
      <TypingIndicator conversationId={conversationId} name={visitorName} />
      <Composer conversationId={conversationId} project={project} />
    </section>
  );
}
