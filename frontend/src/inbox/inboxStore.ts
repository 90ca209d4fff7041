/**
 * The inbox store, composed of four slices (zustand's slices pattern), each in `slices/`:
 * the conversation list, the timelines of opened conversations, this agent's messages
 * being sent, and read receipts with the visitor's typing. Components use the one store
 * (`useInboxStore`); the slices reach each other through `get()`.
 */
import { create } from "zustand";
import type { StateCreator } from "zustand";
import type { Id, Message } from "../api/types";
import type { InboxApi } from "./inboxApi";
import { createListSlice } from "./slices/listSlice";
import type { ListSlice } from "./slices/listSlice";
import { createReadSlice } from "./slices/readSlice";
import type { ReadSlice } from "./slices/readSlice";
import { createSendingSlice } from "./slices/sendingSlice";
import type { SendingSlice } from "./slices/sendingSlice";
import { createTimelineSlice } from "./slices/timelineSlice";
import type { TimelineSlice } from "./slices/timelineSlice";

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

export type InboxState = ListSlice & TimelineSlice & SendingSlice & ReadSlice;

/** One slice of the inbox store: it sees (and may call) the whole state. */
export type InboxSlice<Slice> = StateCreator<InboxState, [], [], Slice>;

export function createInboxStore(deps: InboxDeps) {
  const list = createListSlice(deps);
  const timeline = createTimelineSlice(deps);
  const sending = createSendingSlice(deps);
  const read = createReadSlice(deps);
  return create<InboxState>()((...store) => ({
    ...list(...store),
    ...timeline(...store),
    ...sending(...store),
    ...read(...store),
  }));
}

export type InboxStore = ReturnType<typeof createInboxStore>;
