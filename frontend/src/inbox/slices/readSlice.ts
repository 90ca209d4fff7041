/** Read receipts both ways and the visitor's typing indicator. */
import type { Id, SenderType } from "../../api/types";
import type { InboxDeps, InboxSlice } from "../inboxStore";
import { maxSeq } from "../merge";

/** A lost "stopped typing" event must not leave the indicator on forever. */
const TYPING_TIMEOUT_MS = 8000;

export interface ReadSlice {
  /** Conversations whose visitor is typing right now. */
  visitorTyping: Record<string, true>;
  isPageVisible: boolean;

  /** Marks what this agent sees of a conversation as read (the unread count here, a `read` to the server). */
  markRead(conversationId: Id): void;
  setPageVisible(isVisible: boolean): void;
  receiveTyping(conversationId: Id, isTyping: boolean, senderType: Exclude<SenderType, "system">): void;
  receiveRead(conversationId: Id, seq: number, readerType: "visitor" | "agent", readerId?: Id | null): void;

  /** Whether this agent is looking at the conversation now (for the timeline slice's unread counts). */
  isBeingRead(conversationId: Id): boolean;
  /** Forgets which reads were sent (for the list slice, when another project opens). */
  forgetReads(): void;
}

export function createReadSlice(deps: InboxDeps): InboxSlice<ReadSlice> {
  /** The highest seq each conversation's `read` was sent for. */
  const readSent = new Map<Id, number>();
  const typingTimers = new Map<Id, ReturnType<typeof setTimeout>>();

  return (set, get) => ({
    visitorTyping: {},
    isPageVisible: typeof document === "undefined" ? true : !document.hidden,

    markRead: (conversationId) => {
      if (!get().isPageVisible) return;
      const seq = maxSeq(get().timelines[conversationId]?.messages ?? []);
      const conversation = get().known[conversationId];
      if (conversation?.unread_count) {
        set({ known: { ...get().known, [conversationId]: { ...conversation, unread_count: 0 } } });
      }
      if (seq > (readSent.get(conversationId) ?? 0) && deps.realtime.emitRead(conversationId, seq)) {
        readSent.set(conversationId, seq);
      }
    },

    setPageVisible: (isVisible) => {
      set({ isPageVisible: isVisible });
      const { activeId } = get();
      if (isVisible && activeId != null) get().markRead(activeId);
    },

    receiveTyping: (conversationId, isTyping, senderType) => {
      if (senderType !== "visitor") return;
      clearTimeout(typingTimers.get(conversationId));
      typingTimers.delete(conversationId);
      if (isTyping) {
        typingTimers.set(
          conversationId,
          setTimeout(() => get().receiveTyping(conversationId, false, "visitor"), TYPING_TIMEOUT_MS),
        );
        if (!get().visitorTyping[conversationId]) {
          set({ visitorTyping: { ...get().visitorTyping, [conversationId]: true } });
        }
      } else if (get().visitorTyping[conversationId]) {
        const next = { ...get().visitorTyping };
        delete next[conversationId];
        set({ visitorTyping: next });
      }
    },

    receiveRead: (conversationId, seq, readerType, readerId) => {
      const conversation = get().known[conversationId];
      if (readerType === "agent") {
        // This agent read it in another tab: nothing up to that seq is unread here either.
        if (
          conversation?.unread_count &&
          readerId != null &&
          readerId === get().meId &&
          seq >= (conversation.last_seq ?? 0)
        ) {
          set({ known: { ...get().known, [conversationId]: { ...conversation, unread_count: 0 } } });
        }
        return;
      }
      if (readerType !== "visitor") return;
      if (!conversation || (conversation.visitor_last_read_seq ?? 0) >= seq) return;
      set({ known: { ...get().known, [conversationId]: { ...conversation, visitor_last_read_seq: seq } } });
    },

    isBeingRead: (conversationId) => get().isPageVisible && get().activeId === conversationId,

    forgetReads: () => readSent.clear(),
  });
}
