import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Id, Project } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { useMembersStore } from "../projects/membersStore";
import { useRealtimeStore } from "../realtime/realtimeStore";
import { ConversationList } from "./ConversationList";
import { peopleApi } from "./inboxApi";
import { ConversationView } from "./ConversationView";
import { totalUnread, visibleConversations } from "./merge";
import { ShortcutsOverlay } from "./ShortcutsOverlay";
import { useInboxShortcuts } from "./useInboxShortcuts";
import { useInboxStore } from "./useInboxStore";
import { useTitleBadge } from "./useTitleBadge";
import { VisitorPanel } from "./VisitorPanel";

/** The inbox: conversation list, the open conversation and its visitor. */
export function InboxPage({ project, conversationId }: { project: Project; conversationId: Id | null }) {
  const { t } = useTranslation();
  const me = useAuthStore((state) => state.user);
  const known = useInboxStore((state) => state.known);
  const listed = useInboxStore((state) => state.listed);
  const filter = useInboxStore((state) => state.filter);
  const activeId = useInboxStore((state) => state.activeId);
  const [isHelpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    if (me) void useInboxStore.getState().start(project.id, me.id);
    void useMembersStore.getState().load(project.id);
    void useRealtimeStore.getState().loadPresence(project.id, peopleApi.presence);
  }, [project.id, me]);

  useEffect(() => {
    void useInboxStore.getState().openConversation(conversationId);
  }, [conversationId, project.id]);

  const conversations = useMemo(
    () => visibleConversations(known, listed, filter, me?.id ?? null, activeId),
    [known, listed, filter, me, activeId],
  );
  const unread = useMemo(() => totalUnread(Object.values(known)), [known]);
  useTitleBadge(unread, t("inbox.title"));
  useInboxShortcuts({ project, conversations, conversationId, openHelp: () => setHelpOpen(true) });

  const active = conversationId ? known[conversationId] : undefined;
  return (
    <div className={`inbox ${conversationId ? "has-active" : ""}`}>
      <ConversationList project={project} conversations={conversations} activeId={conversationId} />
      {conversationId ? (
        <ConversationView key={conversationId} project={project} conversationId={conversationId} />
      ) : (
        <section className="conversation-empty" aria-label={t("inbox.conversation")}>
          <p>{t("inbox.pickConversation")}</p>
          <p className="muted">{t("shortcuts.hint")}</p>
        </section>
      )}
      {active && <VisitorPanel project={project} conversation={active} />}
      {isHelpOpen && <ShortcutsOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
