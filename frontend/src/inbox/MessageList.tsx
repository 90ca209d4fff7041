import { useLayoutEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { Id, Message } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { useMembersStore } from "../projects/membersStore";
import { emptyTimeline } from "./merge";
import { MessageBubble, PendingBubble } from "./MessageBubble";
import { useInboxStore } from "./useInboxStore";

const NEAR_EDGE_PX = 80;

/** Messages, loading older pages when scrolled to the top and sticking to the bottom for new ones. */
export function MessageList({ conversationId }: { conversationId: Id }) {
  const { t } = useTranslation();
  const timeline = useInboxStore((state) => state.timelines[conversationId]) ?? emptyTimeline;
  const conversation = useInboxStore((state) => state.known[conversationId]);
  const loadOlder = useInboxStore((state) => state.loadOlder);
  const retry = useInboxStore((state) => state.retryMessage);
  const discard = useInboxStore((state) => state.discardMessage);
  const me = useAuthStore((state) => state.user);
  const members = useMembersStore((state) => state.members);
  const scroller = useRef<HTMLDivElement>(null);
  const heightBeforeOlder = useRef<number | null>(null);
  const isAtBottom = useRef(true);

  const visitorName = conversation?.visitor?.name || conversation?.visitor?.email || t("inbox.visitorFallback");
  const agentNames = useMemo(
    () => new Map(members.map((member) => [String(member.user.id), member.user.name || member.user.email])),
    [members],
  );
  const senderName = (message: Message) => {
    if (message.sender_type === "visitor") return visitorName;
    if (String(message.sender_id) === String(me?.id)) return t("inbox.you");
    return message.sender?.name || agentNames.get(String(message.sender_id)) || t("inbox.agent");
  };

  const readSeq = conversation?.visitor_last_read_seq ?? 0;
  const lastSeenSeq = useMemo(() => {
    for (let index = timeline.messages.length - 1; index >= 0; index--) {
      const message = timeline.messages[index];
      if (message && message.sender_type === "agent" && !message.private && message.seq <= readSeq) return message.seq;
    }
    return 0;
  }, [timeline.messages, readSeq]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (heightBeforeOlder.current !== null) {
      // Keep the message under the reader's eyes where it was after prepending.
      element.scrollTop += element.scrollHeight - heightBeforeOlder.current;
      heightBeforeOlder.current = null;
    } else if (isAtBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [timeline.messages, timeline.pending]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    isAtBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_EDGE_PX;
    if (element.scrollTop < NEAR_EDGE_PX && timeline.hasOlder && !timeline.loadingOlder) {
      heightBeforeOlder.current = element.scrollHeight;
      void loadOlder(conversationId);
    }
  };

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll}>
      {timeline.hasOlder && (
        <button
          type="button"
          className="button ghost load-older"
          disabled={timeline.loadingOlder}
          onClick={() => {
            heightBeforeOlder.current = scroller.current?.scrollHeight ?? null;
            void loadOlder(conversationId);
          }}
        >
          {timeline.loadingOlder ? t("common.loading") : t("inbox.loadOlder")}
        </button>
      )}
      {!timeline.loaded && !timeline.error && <p className="muted center">{t("common.loading")}</p>}
      <ol className="messages" aria-label={t("inbox.messages")}>
        {timeline.messages.map((message) => (
          <MessageBubble
            key={message.seq}
            message={message}
            senderName={senderName(message)}
            isSeen={message.seq === lastSeenSeq}
          />
        ))}
        {timeline.pending.map((pending) => (
          <PendingBubble
            key={pending.client_msg_id}
            pending={pending}
            onRetry={() => void retry(conversationId, pending.client_msg_id)}
            onDiscard={() => discard(conversationId, pending.client_msg_id)}
          />
        ))}
      </ol>
    </div>
  );
}
