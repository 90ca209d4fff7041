/** The messages of each opened conversation: first page, older pages, live messages and catching up after a gap. */
import { errorMessage } from "../../api/client";
import type { Id, Message } from "../../api/types";
import type { InboxDeps, InboxSlice } from "../inboxStore";
import {
  addLatestPage,
  addOlderPage,
  addStoredMessages,
  applyMessageToConversation,
  contiguousMaxSeq,
  emptyTimeline,
  hasGapBefore,
  maxSeq,
  minSeq,
} from "../merge";
import type { Timeline } from "../merge";

export const MESSAGE_PAGE = 50;
const CATCH_UP_PAGE = 100;
/** Safety bound on REST pages for one catch-up. */
const MAX_CATCH_UP_PAGES = 20;

export interface TimelineSlice {
  activeId: Id | null;
  timelines: Record<string, Timeline>;

  /** Shows a conversation (null: none): its row, its newest page, and marks it read. */
  openConversation(conversationId: Id | null): Promise<void>;
  loadOlder(conversationId: Id): Promise<void>;
  receiveMessage(message: Message): void;
  /** After a reconnect: refresh the list and fetch every loaded conversation after its last seq. */
  resume(): Promise<void>;

  /** Changes one conversation's timeline (for the sending slice's pending messages). */
  patchTimeline(conversationId: Id, change: (timeline: Timeline) => Timeline): void;
  /** Adds stored messages to the timeline and to the conversation's summary in the list. */
  storeMessages(conversationId: Id, messages: Message[]): void;
}

export function createTimelineSlice(deps: InboxDeps): InboxSlice<TimelineSlice> {
  // One catch-up per conversation at a time; the next waits for it.
  const catchUps = new Map<Id, Promise<void>>();

  return (set, get) => {
    /** Fetches everything after the highest seq we hold: socket sync first, then REST pages. */
    const catchUp = (conversationId: Id, serverLastSeq = 0): Promise<void> => {
      const running = catchUps.get(conversationId);
      if (running) return running.then(() => catchUp(conversationId, serverLastSeq));
      const work = (async () => {
        const { projectId } = get();
        const timeline = get().timelines[conversationId];
        if (projectId == null || !timeline?.loaded) return;
        const synced = await deps.realtime.sync(conversationId, contiguousMaxSeq(timeline.messages)).catch(() => null);
        if (synced) get().storeMessages(conversationId, synced.messages);
        let lastSeqSeen = serverLastSeq;
        for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
          const after = contiguousMaxSeq(get().timelines[conversationId]?.messages ?? []);
          const knownLast = Math.max(get().known[conversationId]?.last_seq ?? 0, lastSeqSeen);
          // A cut-short sync page goes on over REST even when our last_seq is stale.
          if (((synced && !synced.hasMore) || page > 0) && after >= knownLast) break;
          const answer = await deps.api.listMessages(projectId, conversationId, {
            after_seq: after,
            limit: CATCH_UP_PAGE,
          });
          if (get().projectId !== projectId) return;
          lastSeqSeen = Math.max(lastSeqSeen, answer.last_seq ?? 0);
          get().storeMessages(conversationId, answer.items);
          if (answer.items.length < CATCH_UP_PAGE) break;
        }
      })().finally(() => catchUps.delete(conversationId));
      catchUps.set(conversationId, work);
      return work;
    };

    const loadLatest = async (conversationId: Id) => {
      const { projectId } = get();
      if (projectId == null) return;
      const lastSeq = get().known[conversationId]?.last_seq;
      try {
        const answer = await deps.api.listMessages(projectId, conversationId, {
          before_seq: lastSeq ? lastSeq + 1 : undefined,
          limit: MESSAGE_PAGE,
        });
        if (get().projectId !== projectId) return;
        get().patchTimeline(conversationId, (timeline) => addLatestPage(timeline, answer.items, MESSAGE_PAGE));
        get().storeMessages(conversationId, answer.items);
        // Live messages may have arrived between the summary and the page.
        const held = maxSeq(get().timelines[conversationId]?.messages ?? []);
        const lastSeqNow = Math.max(get().known[conversationId]?.last_seq ?? 0, answer.last_seq ?? 0);
        if (held < lastSeqNow) await catchUp(conversationId, lastSeqNow);
      } catch (error) {
        get().patchTimeline(conversationId, (timeline) => ({ ...timeline, error: errorMessage(error) }));
      }
    };

    return {
      activeId: null,
      timelines: {},

      openConversation: async (conversationId) => {
        set({ activeId: conversationId });
        const { projectId } = get();
        if (conversationId == null || projectId == null) return;
        try {
          get().receiveConversation(await deps.api.getConversation(projectId, conversationId));
        } catch (error) {
          if (!get().known[conversationId]) {
            get().patchTimeline(conversationId, (timeline) => ({ ...timeline, error: errorMessage(error) }));
            return;
          }
        }
        if (!get().timelines[conversationId]?.loaded) await loadLatest(conversationId);
        get().markRead(conversationId);
      },

      loadOlder: async (conversationId) => {
        const { projectId } = get();
        const timeline = get().timelines[conversationId];
        if (projectId == null || !timeline?.loaded || !timeline.hasOlder || timeline.loadingOlder) return;
        get().patchTimeline(conversationId, (current) => ({ ...current, loadingOlder: true }));
        try {
          const answer = await deps.api.listMessages(projectId, conversationId, {
            before_seq: minSeq(timeline.messages),
            limit: MESSAGE_PAGE,
          });
          get().patchTimeline(conversationId, (current) => addOlderPage(current, answer.items));
        } catch (error) {
          get().patchTimeline(conversationId, (current) => ({
            ...current,
            loadingOlder: false,
            error: errorMessage(error),
          }));
        }
      },

      receiveMessage: (message) => {
        const conversationId = message.conversation_id;
        const { projectId } = get();
        if (projectId == null) return;
        const timeline = get().timelines[conversationId];
        const gap = timeline ? hasGapBefore(timeline, message) : false;
        if (message.sender_type === "visitor") get().receiveTyping(conversationId, false, "visitor");
        get().storeMessages(conversationId, [message]);
        const conversation = get().known[conversationId];
        if (conversation) {
          get().admitToList(conversation);
        } else {
          // A conversation outside the loaded pages: fetch its summary so it can join the list.
          deps.api
            .getConversation(projectId, conversationId)
            .then((fetched) => get().receiveConversation(fetched))
            .catch(() => undefined);
        }
        if (gap) void catchUp(conversationId).catch(() => undefined);
        if (get().isBeingRead(conversationId)) get().markRead(conversationId);
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

      patchTimeline: (conversationId, change) =>
        set((state) => {
          const current = state.timelines[conversationId] ?? emptyTimeline;
          const next = change(current);
          return next === current ? state : { timelines: { ...state.timelines, [conversationId]: next } };
        }),

      storeMessages: (conversationId, messages) => {
        if (messages.length === 0) return;
        get().patchTimeline(conversationId, (timeline) => addStoredMessages(timeline, messages));
        set((state) => {
          let conversation = state.known[conversationId];
          if (!conversation) return state;
          const reading = get().isBeingRead(conversationId);
          for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
            conversation = applyMessageToConversation(conversation, message, reading);
          }
          return { known: { ...state.known, [conversationId]: conversation } };
        });
      },
    };
  };
}
