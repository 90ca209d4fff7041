import { useEffect, useEffectEvent } from "react";
import type { Conversation, Id, Project } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { navigate } from "../app/router";
import { useInboxStore } from "./useInboxStore";

export const COMPOSER_ID = "composer-input";
export const SEARCH_ID = "conversation-search";

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

interface Options {
  project: Project;
  conversations: Conversation[];
  conversationId: Id | null;
  openHelp: () => void;
}

/** j/k move, r reply, e resolve, a assign to me, / search, ? help. */
export function useInboxShortcuts(options: Options): void {
  // An effect event sees the latest options without re-subscribing on every render.
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.key === "Escape" && isTypingTarget(event.target)) {
      (event.target as HTMLElement).blur();
      return;
    }
    if (event.metaKey || event.ctrlKey || event.altKey || isTypingTarget(event.target)) return;
    if (document.querySelector("[role=dialog]")) return;
    const { project, conversations, conversationId, openHelp } = options;
    const index = conversations.findIndex((conversation) => conversation.id === conversationId);
    const go = (conversation: Conversation | undefined) => {
      if (conversation) navigate(`/projects/${project.id}/conversations/${conversation.id}`);
    };
    const inbox = useInboxStore.getState();
    switch (event.key) {
      case "j":
        go(conversations[index < 0 ? 0 : Math.min(index + 1, conversations.length - 1)]);
        break;
      case "k":
        go(conversations[index < 0 ? 0 : Math.max(index - 1, 0)]);
        break;
      case "r":
        document.getElementById(COMPOSER_ID)?.focus();
        break;
      case "e":
        if (conversationId)
          void inbox.updateConversation(conversationId, { status: "resolved" }).catch(() => undefined);
        break;
      case "a": {
        const me = useAuthStore.getState().user;
        if (conversationId && me)
          void inbox.updateConversation(conversationId, { assignee_id: me.id }).catch(() => undefined);
        break;
      }
      case "/":
        document.getElementById(SEARCH_ID)?.focus();
        break;
      case "?":
        openHelp();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);
}
