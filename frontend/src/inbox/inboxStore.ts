import { create } from "zustand";
import { errorMessage } from "../api/client";
import type {
  Conversation,
  ConversationEvent,
  ConversationPatch,
  Id,
  Message,
  SenderType,
  Visitor,
} from "../api/types";
import type { InboxApi } from "./inboxApi";
import {
  addLatestPage,
  addOlderPage,
  addPending,
  addStoredMessages,
  applyConversation,
  applyMessageToConversation,
  applyVisitorToConversation,
  contiguousMaxSeq,
  emptyTimeline,
  hasGapBefore,
  isListRow,
  matchesFilter,
  maxSeq,
  mergeConversation,
  minSeq,
  removePending,
  updatePending,
} from "./merge";
import type { ConversationFilter, PendingMessage, Timeline } from "./merge";

export const MESSAGE_PAGE = 50;
const CATCH_UP_PAGE = 100;
const TYPING_TIMEOUT_MS = 8000;

/** What the store needs from the socket; resolves null when the socket cannot answer. */
export interface RealtimeLink {
  /** Returns false when the socket is down, so the read is sent again later. */
  emitRead(conversationId: Id, seq: number): boolean;
  sync(conversationId: Id, afterSeq: number): Promise<SyncPage | null>;
}

/** A socket `sync` answer: messages after the seq asked for, and whether the server cut the page short. */
export interface SyncPage {
  messages: Message[];
  hasMore: boolean;
}

export interface InboxDeps {
  api: InboxApi;
  realtime: RealtimeLink;
  newClientMsgId: () => string;
}

export type ListStatus = "idle" | "loading" | "ready" | "error";

export interface InboxState {
  projectId: Id | null;
  meId: Id | null;
  filter: ConversationFilter;
  /** Every conversation of the project we know of, by id. */
  known: Record<string, Conversation>;
  /** Ids that belong to the list under the current filter. */
  listed: Record<string, true>;
  nextCursor: string | null;
  listStatus: ListStatus;
  listError: string | null;
  activeId: Id | null;
  timelines: Record<string, Timeline>;
  /** Conversations whose visitor is typing right now. */
  visitorTyping: Record<string, true>;
  isPageVisible: boolean;

  start(projectId: Id, meId: Id): Promise<void>;
  setFilter(change: Partial<ConversationFilter>): Promise<void>;
  loadConversations(): Promise<void>;
  loadMoreConversations(): Promise<void>;
  openConversation(conversationId: Id | null): Promise<void>;
  loadOlder(conversationId: Id): Promise<void>;
  sendMessage(conversationId: Id, content: string, options?: { isPrivate?: boolean; files?: File[] }): Promise<void>;
  retryMessage(conversationId: Id, clientMsgId: string): Promise<void>;
  discardMessage(conversationId: Id, clientMsgId: string): void;
  updateConversation(conversationId: Id, patch: ConversationPatch): Promise<void>;
  markRead(conversationId: Id): void;
  setPageVisible(isVisible: boolean): void;

  /** A list row (REST, `conversation:created`) or the bare conversation of `conversation:updated`. */
  receiveConversation(conversation: Conversation | ConversationEvent): void;
  receiveMessage(message: Message): void;
  receiveTyping(conversationId: Id, isTyping: boolean, senderType: Exclude<SenderType, "system">): void;
  receiveRead(conversationId: Id, seq: number, readerType: "visitor" | "agent", readerId?: Id | null): void;
  receiveVisitor(visitor: Partial<Visitor> & { id: Id }): void;
  /** After a reconnect: refresh the list and fetch every loaded conversation after its last seq. */
  resume(): Promise<void>;
}

export const defaultFilter: ConversationFilter = { assignee: "all", status: "open", q: "" };

const key = (id: Id) => String(id);

export function createInboxStore(deps: InboxDeps) {
  const readSent = new Map<string, number>();
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const catchUps = new Map<string, Promise<void>>();
  let listRequest = 0;

  return create<InboxState>((set, get) => {
    const patchTimeline = (conversationId: Id, change: (timeline: Timeline) => Timeline) =>
      set((state) => {
        const current = state.timelines[key(conversationId)] ?? emptyTimeline;
        const next = change(current);
        return next === current ? state : { timelines: { ...state.timelines, [key(conversationId)]: next } };
      });

    const isBeingRead = (conversationId: Id) => get().isPageVisible && get().activeId === conversationId;

    /** Adds stored messages to the timeline and to the conversation summary. */
    const storeMessages = (conversationId: Id, messages: Message[]) => {
      if (messages.length === 0) return;
      patchTimeline(conversationId, (timeline) => addStoredMessages(timeline, messages));
      set((state) => {
        let conversation = state.known[key(conversationId)];
        if (!conversation) return state;
        const reading = isBeingRead(conversationId);
        for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
          conversation = applyMessageToConversation(conversation, message, reading);
        }
        return { known: { ...state.known, [key(conversationId)]: conversation } };
      });
    };

    /** Fetches everything after the highest seq we hold: socket sync first, then REST pages. */
    const catchUp = (conversationId: Id, serverLastSeq = 0): Promise<void> => {
      const running = catchUps.get(key(conversationId));
      if (running) return running.then(() => catchUp(conversationId, serverLastSeq));
      const work = (async () => {
        const { projectId } = get();
        const timeline = get().timelines[key(conversationId)];
        if (projectId == null || !timeline?.loaded) return;
        const synced = await deps.realtime.sync(conversationId, contiguousMaxSeq(timeline.messages)).catch(() => null);
        if (synced) storeMessages(conversationId, synced.messages);
        let lastSeqSeen = serverLastSeq;
        for (let page = 0; page < 20; page++) {
          const after = contiguousMaxSeq(get().timelines[key(conversationId)]?.messages ?? []);
          const knownLast = Math.max(get().known[key(conversationId)]?.last_seq ?? 0, lastSeqSeen);
          // A cut-short sync page goes on over REST even when our last_seq is stale.
          if (((synced && !synced.hasMore) || page > 0) && after >= knownLast) break;
          const answer = await deps.api.listMessages(projectId, conversationId, {
            after_seq: after,
            limit: CATCH_UP_PAGE,
          });
          if (get().projectId !== projectId) return;
          lastSeqSeen = Math.max(lastSeqSeen, answer.last_seq ?? 0);
          storeMessages(conversationId, answer.items);
          if (answer.items.length < CATCH_UP_PAGE) break;
        }
      })().finally(() => catchUps.delete(key(conversationId)));
      catchUps.set(key(conversationId), work);
      return work;
    };

    const loadLatest = async (conversationId: Id) => {
      const { projectId } = get();
      if (projectId == null) return;
      const lastSeq = get().known[key(conversationId)]?.last_seq;
      try {
        const answer = await deps.api.listMessages(projectId, conversationId, {
          before_seq: lastSeq ? lastSeq + 1 : undefined,
          limit: MESSAGE_PAGE,
        });
        if (get().projectId !== projectId) return;
        patchTimeline(conversationId, (timeline) => addLatestPage(timeline, answer.items, MESSAGE_PAGE));
        storeMessages(conversationId, answer.items);
        // Live messages may have arrived between the summary and the page.
        const held = maxSeq(get().timelines[key(conversationId)]?.messages ?? []);
        const lastSeqNow = Math.max(get().known[key(conversationId)]?.last_seq ?? 0, answer.last_seq ?? 0);
        if (held < lastSeqNow) await catchUp(conversationId, lastSeqNow);
      } catch (error) {
        patchTimeline(conversationId, (timeline) => ({ ...timeline, error: errorMessage(error) }));
      }
    };

    const deliver = async (conversationId: Id, clientMsgId: string) => {
      const { projectId } = get();
      const pending = get().timelines[key(conversationId)]?.pending.find((item) => item.client_msg_id === clientMsgId);
      if (projectId == null || !pending) return;
      try {
        let attachments = pending.attachments;
        for (const file of pending.files.slice(attachments.length)) {
          attachments = [...attachments, await deps.api.uploadAttachment(projectId, file)];
          patchTimeline(conversationId, (timeline) => updatePending(timeline, clientMsgId, { attachments }));
        }
        const message = await deps.api.postMessage(projectId, conversationId, {
          content: pending.content,
          client_msg_id: clientMsgId,
          private: pending.private,
          ...(attachments.length ? { attachment_ids: attachments.map((item) => item.id) } : {}),
        });
        storeMessages(conversationId, [message]);
      } catch (error) {
        patchTimeline(conversationId, (timeline) =>
          updatePending(timeline, clientMsgId, { state: "failed", error: errorMessage(error) }),
        );
      }
    };

    /** Stores a conversation we hold or a new list row, and lists it if it matches the filter. */
    const acceptConversation = (conversation: Conversation | ConversationEvent) => {
      const existing = get().known[key(conversation.id)];
      let merged: Conversation;
      if (existing) merged = applyConversation(existing, conversation);
      else if (isListRow(conversation)) merged = mergeConversation(undefined, conversation);
      else return;
      set((state) => ({ known: { ...state.known, [key(conversation.id)]: merged } }));
      admitToList(merged);
    };

    const admitToList = (conversation: Conversation) => {
      const { filter, meId, listed } = get();
      if (!listed[key(conversation.id)] && matchesFilter(conversation, filter, meId)) {
        set({ listed: { ...get().listed, [key(conversation.id)]: true } });
      }
    };

    return {
      projectId: null,
      meId: null,
      filter: defaultFilter,
      known: {},
      listed: {},
      nextCursor: null,
      listStatus: "idle",
      listError: null,
      activeId: null,
      timelines: {},
      visitorTyping: {},
      isPageVisible: typeof document === "undefined" ? true : !document.hidden,

      start: async (projectId, meId) => {
        if (get().projectId === projectId && get().meId === meId) return;
        readSent.clear();
        set({
          projectId,
          meId,
          known: {},
          listed: {},
          timelines: {},
          activeId: null,
          visitorTyping: {},
          nextCursor: null,
        });
        await get().loadConversations();
      },

      setFilter: async (change) => {
        set({ filter: { ...get().filter, ...change } });
        await get().loadConversations();
      },

      loadConversations: async () => {
        const { projectId, filter } = get();
        if (projectId == null) return;
        const request = ++listRequest;
        set({ listStatus: "loading", listError: null });
        try {
          const page = await deps.api.listConversations(projectId, filter, null);
          if (request !== listRequest) return;
          set((state) => {
            const known = { ...state.known };
            const listed: Record<string, true> = {};
            for (const conversation of page.items) {
              known[key(conversation.id)] = mergeConversation(known[key(conversation.id)], conversation);
              listed[key(conversation.id)] = true;
            }
            return { known, listed, nextCursor: page.next_cursor, listStatus: "ready" };
          });
        } catch (error) {
          if (request === listRequest) set({ listStatus: "error", listError: errorMessage(error) });
        }
      },

      loadMoreConversations: async () => {
        const { projectId, filter, nextCursor, listStatus } = get();
        if (projectId == null || !nextCursor || listStatus === "loading") return;
        const request = listRequest;
        set({ listStatus: "loading" });
        try {
          const page = await deps.api.listConversations(projectId, filter, nextCursor);
          if (request !== listRequest) return;
          set((state) => {
            const known = { ...state.known };
            const listed = { ...state.listed };
            for (const conversation of page.items) {
              known[key(conversation.id)] = mergeConversation(known[key(conversation.id)], conversation);
              listed[key(conversation.id)] = true;
            }
            return { known, listed, nextCursor: page.next_cursor, listStatus: "ready" };
          });
        } catch (error) {
          if (request === listRequest) set({ listStatus: "error", listError: errorMessage(error) });
        }
      },

      openConversation: async (conversationId) => {
        set({ activeId: conversationId });
        const { projectId } = get();
        if (conversationId == null || projectId == null) return;
        try {
          get().receiveConversation(await deps.api.getConversation(projectId, conversationId));
        } catch (error) {
          if (!get().known[key(conversationId)]) {
            patchTimeline(conversationId, (timeline) => ({ ...timeline, error: errorMessage(error) }));
            return;
          }
        }
        if (!get().timelines[key(conversationId)]?.loaded) await loadLatest(conversationId);
        get().markRead(conversationId);
      },

      loadOlder: async (conversationId) => {
        const { projectId } = get();
        const timeline = get().timelines[key(conversationId)];
        if (projectId == null || !timeline?.loaded || !timeline.hasOlder || timeline.loadingOlder) return;
        patchTimeline(conversationId, (current) => ({ ...current, loadingOlder: true }));
        try {
          const answer = await deps.api.listMessages(projectId, conversationId, {
            before_seq: minSeq(timeline.messages),
            limit: MESSAGE_PAGE,
          });
          patchTimeline(conversationId, (current) => addOlderPage(current, answer.items));
        } catch (error) {
          patchTimeline(conversationId, (current) => ({ ...current, loadingOlder: false, error: errorMessage(error) }));
        }
      },

      sendMessage: async (conversationId, content, options = {}) => {
        const pending: PendingMessage = {
          client_msg_id: deps.newClientMsgId(),
          conversation_id: conversationId,
          // The server refuses NUL characters (PostgreSQL text cannot hold them): a retry would fail forever.
          content: content.replaceAll("\u0000", ""),
          private: Boolean(options.isPrivate),
          created_at: new Date().toISOString(),
          state: "sending",
          error: null,
          files: options.files ?? [],
          attachments: [],
        };
        patchTimeline(conversationId, (timeline) => addPending(timeline, pending));
        await deliver(conversationId, pending.client_msg_id);
      },

      retryMessage: async (conversationId, clientMsgId) => {
        patchTimeline(conversationId, (timeline) =>
          updatePending(timeline, clientMsgId, { state: "sending", error: null }),
        );
        // Same client_msg_id: if the first try was stored after all, the server answers with that message.
        await deliver(conversationId, clientMsgId);
      },

      discardMessage: (conversationId, clientMsgId) =>
        patchTimeline(conversationId, (timeline) => removePending(timeline, clientMsgId)),

      updateConversation: async (conversationId, patch) => {
        const { projectId } = get();
        if (projectId == null) return;
        const updated = await deps.api.updateConversation(projectId, conversationId, patch);
        get().receiveConversation(updated);
      },

      markRead: (conversationId) => {
        if (!get().isPageVisible) return;
        const seq = maxSeq(get().timelines[key(conversationId)]?.messages ?? []);
        const conversation = get().known[key(conversationId)];
        if (conversation?.unread_count) {
          set({ known: { ...get().known, [key(conversationId)]: { ...conversation, unread_count: 0 } } });
        }
        if (seq > (readSent.get(key(conversationId)) ?? 0) && deps.realtime.emitRead(conversationId, seq)) {
          readSent.set(key(conversationId), seq);
        }
      },

      setPageVisible: (isVisible) => {
        set({ isPageVisible: isVisible });
        const { activeId } = get();
        if (isVisible && activeId != null) get().markRead(activeId);
      },

      receiveConversation: (conversation) => {
        const { projectId } = get();
        if (projectId == null || conversation.project_id !== projectId) return;
        if (!get().known[key(conversation.id)] && !isListRow(conversation)) {
          // `conversation:updated` carries the bare conversation (no visitor, last message or unread count):
          // one we do not hold yet is fetched as a full list row before it is shown.
          deps.api
            .getConversation(projectId, conversation.id)
            .then((row) => {
              if (get().projectId === projectId) acceptConversation(row);
            })
            .catch(() => undefined);
          return;
        }
        acceptConversation(conversation);
      },

      receiveMessage: (message) => {
        const conversationId = message.conversation_id;
        const { projectId } = get();
        if (projectId == null) return;
        const timeline = get().timelines[key(conversationId)];
        const gap = timeline ? hasGapBefore(timeline, message) : false;
        if (message.sender_type === "visitor") get().receiveTyping(conversationId, false, "visitor");
        storeMessages(conversationId, [message]);
        const conversation = get().known[key(conversationId)];
        if (conversation) {
          admitToList(conversation);
        } else {
          // A conversation outside the loaded pages: fetch its summary so it can join the list.
          deps.api
            .getConversation(projectId, conversationId)
            .then((fetched) => get().receiveConversation(fetched))
            .catch(() => undefined);
        }
        if (gap) void catchUp(conversationId).catch(() => undefined);
        if (isBeingRead(conversationId)) get().markRead(conversationId);
      },

      receiveTyping: (conversationId, isTyping, senderType) => {
        if (senderType !== "visitor") return;
        const id = key(conversationId);
        clearTimeout(typingTimers.get(id));
        typingTimers.delete(id);
        if (isTyping) {
          // A lost "stopped typing" event must not leave the indicator on forever.
          typingTimers.set(
            id,
            setTimeout(() => get().receiveTyping(conversationId, false, "visitor"), TYPING_TIMEOUT_MS),
          );
          if (!get().visitorTyping[id]) set({ visitorTyping: { ...get().visitorTyping, [id]: true } });
        } else if (get().visitorTyping[id]) {
          const next = { ...get().visitorTyping };
          delete next[id];
          set({ visitorTyping: next });
        }
      },

      receiveRead: (conversationId, seq, readerType, readerId) => {
        const conversation = get().known[key(conversationId)];
        if (readerType === "agent") {
          // This agent read it in another tab: nothing up to that seq is unread here either.
          if (
            conversation?.unread_count &&
            readerId != null &&
            readerId === get().meId &&
            seq >= (conversation.last_seq ?? 0)
          ) {
            set({ known: { ...get().known, [key(conversationId)]: { ...conversation, unread_count: 0 } } });
          }
          return;
        }
        if (readerType !== "visitor") return;
        if (!conversation || (conversation.visitor_last_read_seq ?? 0) >= seq) return;
        set({ known: { ...get().known, [key(conversationId)]: { ...conversation, visitor_last_read_seq: seq } } });
      },

      receiveVisitor: (visitor) => {
        set((state) => {
          let changed = false;
          const known: Record<string, Conversation> = {};
          for (const [id, conversation] of Object.entries(state.known)) {
            const next = applyVisitorToConversation(conversation, visitor);
            changed ||= next !== conversation;
            known[id] = next;
          }
          return changed ? { known } : state;
        });
      },

      resume: async () => {
        await get().loadConversations();
        const loaded = Object.entries(get().timelines)
          .filter(([, timeline]) => timeline.loaded)
          .map(([id]) => Number(id));
        await Promise.all(loaded.map((id) => catchUp(id).catch(() => undefined)));
        const { activeId } = get();
        if (activeId != null) get().markRead(activeId);
      },
    };
  });
}

export type InboxStore = ReturnType<typeof createInboxStore>;
