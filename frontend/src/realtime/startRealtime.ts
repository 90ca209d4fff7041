import type { Conversation, Id } from "../api/types";
import { navigate } from "../app/router";
import i18n from "../i18n";
import { peopleApi } from "../inbox/inboxApi";
import { useInboxStore } from "../inbox/useInboxStore";
import { useVisitorStore } from "../inbox/visitorStore";
import { notifyIncoming } from "../notifications/notify";
import { agentSocket } from "./agentSocket";
import { useProjectStore } from "../projects/projectStore";
import { hasUnjoinedProject } from "./payloads";
import { useRealtimeStore } from "./realtimeStore";
import { integrationHandlers } from "../integrations/realtimeHandlers";

function visitorLabel(conversation: Pick<Conversation, "visitor"> | undefined): string {
  return conversation?.visitor?.name || conversation?.visitor?.email || i18n.t("inbox.visitorFallback");
}

function openLink(projectId: Id, conversationId: Id) {
  return () => navigate(`/projects/${projectId}/conversations/${conversationId}`);
}

/** Connects the /agent socket and routes its events into the stores; returns a stop function. */
export function startRealtime(): () => void {
  const inbox = () => useInboxStore.getState();
  const isCurrentProject = (projectId: Id) => projectId === inbox().projectId;

  // The projects whose rooms this connection was joined to (the server decides at connect time).
  const projectIds = () => new Set(useProjectStore.getState().projects.map((project) => project.id));
  let joined: Set<Id> | null = null;

  agentSocket.start({
    onState: (connection) => useRealtimeStore.setState({ connection }),
    onConnected: () => {
      joined = useProjectStore.getState().status === "ready" ? projectIds() : null;
      agentSocket.setPresence(useRealtimeStore.getState().myStatus);
      // Also on the first connection: closes the window between the first fetch and joining the rooms.
      void inbox().resume();
      // Statuses changed while we were away were announced to no one: take a fresh snapshot.
      const projectId = inbox().projectId;
      if (projectId != null) void useRealtimeStore.getState().loadPresence(projectId, peopleApi.presence);
    },
    handlers: {
      "conversation:created": ({ project_id: projectId, conversation }) => {
        if (!isCurrentProject(projectId)) return;
        inbox().receiveConversation(conversation);
        notifyIncoming(
          i18n.t("notifications.newConversation"),
          // A new conversation comes as a full list row, with its visitor.
          visitorLabel(inbox().known[conversation.id]),
          `conversation-${conversation.id}`,
          openLink(projectId, conversation.id),
        );
      },
      "conversation:updated": ({ project_id: projectId, conversation }) => {
        if (isCurrentProject(projectId)) inbox().receiveConversation(conversation);
      },
      "message:new": ({ project_id: projectId, message }) => {
        if (!isCurrentProject(projectId)) return;
        inbox().receiveMessage(message);
        if (message.sender_type === "visitor") {
          const conversation = inbox().known[message.conversation_id];
          notifyIncoming(
            i18n.t("notifications.newMessage", { name: visitorLabel(conversation) }),
            message.content,
            `message-${message.conversation_id}`,
            openLink(projectId, message.conversation_id),
          );
        }
      },
      typing: (payload) => {
        // Typing before the first message (no conversation yet) shows nowhere in the inbox.
        if (isCurrentProject(payload.project_id) && payload.conversation_id != null) {
          inbox().receiveTyping(payload.conversation_id, payload.is_typing, payload.sender_type);
        }
      },
      read: (payload) => {
        if (isCurrentProject(payload.project_id)) {
          inbox().receiveRead(payload.conversation_id, payload.seq, payload.reader_type, payload.reader_id);
        }
      },
      presence: (payload) => useRealtimeStore.getState().receivePresence(payload.user_id, payload.status),
      "visitor:updated": ({ project_id: projectId, visitor }) => {
        if (!isCurrentProject(projectId)) return;
        inbox().receiveVisitor(visitor);
        useVisitorStore.getState().receive(visitor);
      },
      ...integrationHandlers(isCurrentProject),
    },
  });

  // A project created or joined (invitation) after connecting has no room on this connection yet.
  const unsubscribeProjects = useProjectStore.subscribe((state) => {
    if (state.status !== "ready") return;
    const current = projectIds();
    if (joined === null) {
      // The list loaded after the socket connected: both saw the same memberships.
      if (agentSocket.isConnected) joined = current;
      return;
    }
    if (hasUnjoinedProject(joined, current) && agentSocket.isConnected) {
      joined = current;
      agentSocket.reconnect();
    }
  });

  const onVisibility = () => inbox().setPageVisible(!document.hidden);
  document.addEventListener("visibilitychange", onVisibility);
  const unsubscribePresence = useRealtimeStore.subscribe((state, previous) => {
    if (state.myStatus !== previous.myStatus) agentSocket.setPresence(state.myStatus);
  });

  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    unsubscribePresence();
    unsubscribeProjects();
    agentSocket.stop();
  };
}
