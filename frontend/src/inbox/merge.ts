/**
 * Pure functions that merge fetched pages, live events and optimistic sends.
 * The stores call only these to change conversations and timelines, and the
 * Vitest units exercise them directly.
 */
import type {
  Attachment,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  Id,
  Message,
  Visitor,
} from "../api/types";

/** "all" shows every conversation, assigned or not. */
export type AssigneeFilter = "me" | "none" | "all";

export interface ConversationFilter {
  assignee: AssigneeFilter;
  status: ConversationStatus | "all";
  q: string;
}

export type SendState = "sending" | "failed";

/** A message typed by this agent that the server has not stored yet. */
export interface PendingMessage {
  client_msg_id: string;
  conversation_id: Id;
  content: string;
  private: boolean;
  created_at: string;
  state: SendState;
  error: string | null;
  files: File[];
  /** Ids of attachments already uploaded, so a retry does not upload twice. */
  attachments: Attachment[];
}

export interface Timeline {
  /** Stored messages, ascending and unique by seq. */
  messages: Message[];
  pending: PendingMessage[];
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  error: string | null;
}

export const emptyTimeline: Timeline = {
  messages: [],
  pending: [],
  loaded: false,
  hasOlder: false,
  loadingOlder: false,
  error: null,
};

/** Highest stored seq in a timeline, 0 when empty. */
export function maxSeq(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

/**
 * Highest seq up to which the held messages have no hole. Catching up starts
 * here: a live message past a gap must not hide the messages missing before it.
 */
export function contiguousMaxSeq(messages: readonly Message[]): number {
  let reached = 0;
  for (const [index, message] of messages.entries()) {
    if (index > 0 && message.seq !== reached + 1) return reached;
    reached = message.seq;
  }
  return reached;
}

/** Lowest stored seq in a timeline, 0 when empty. */
export function minSeq(messages: readonly Message[]): number {
  return messages[0]?.seq ?? 0;
}

/** Union of two message lists, unique by seq (the first copy wins), ascending. */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const top = maxSeq(existing);
  const sortedIncoming = [...incoming].sort((a, b) => a.seq - b.seq);
  // Fast path: a live message or a newer page appends without re-sorting.
  if ((sortedIncoming[0]?.seq ?? 0) > top) return [...existing, ...dedupeSorted(sortedIncoming)];
  const bySeq = new Map<number, Message>();
  for (const message of existing) bySeq.set(message.seq, message);
  for (const message of sortedIncoming) if (!bySeq.has(message.seq)) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function dedupeSorted(messages: Message[]): Message[] {
  return messages.filter((message, index) => messages[index - 1]?.seq !== message.seq);
}

/** Adds stored messages to a timeline and retires the optimistic copies they confirm. */
export function addStoredMessages(timeline: Timeline, incoming: readonly Message[]): Timeline {
  if (incoming.length === 0) return timeline;
  const confirmed = new Set(incoming.map((message) => message.client_msg_id).filter(Boolean));
  const pending = timeline.pending.filter((item) => !confirmed.has(item.client_msg_id));
  return { ...timeline, messages: mergeMessages(timeline.messages, incoming), pending };
}

/** Adds an older page fetched with `before_seq`. */
export function addOlderPage(timeline: Timeline, page: readonly Message[]): Timeline {
  const merged = addStoredMessages(timeline, page);
  const oldest = minSeq(merged.messages);
  return { ...merged, loadingOlder: false, hasOlder: page.length > 0 && oldest > 1 };
}

/** Adds the newest page fetched when a conversation is opened. */
export function addLatestPage(timeline: Timeline, page: readonly Message[], limit: number): Timeline {
  const merged = addStoredMessages(timeline, page);
  const oldest = minSeq(merged.messages);
  return { ...merged, loaded: true, error: null, hasOlder: page.length >= limit && oldest > 1 };
}

/** True when a live message skips seqs we never saw: the gap must be fetched. */
export function hasGapBefore(timeline: Timeline, message: Message): boolean {
  return timeline.loaded && timeline.messages.length > 0 && message.seq > maxSeq(timeline.messages) + 1;
}

export function addPending(timeline: Timeline, pending: PendingMessage): Timeline {
  return { ...timeline, pending: [...timeline.pending, pending] };
}

export function updatePending(
  timeline: Timeline,
  clientMsgId: string,
  change: Partial<Pick<PendingMessage, "state" | "error" | "attachments">>,
): Timeline {
  if (!timeline.pending.some((item) => item.client_msg_id === clientMsgId)) return timeline;
  return {
    ...timeline,
    pending: timeline.pending.map((item) => (item.client_msg_id === clientMsgId ? { ...item, ...change } : item)),
  };
}

export function removePending(timeline: Timeline, clientMsgId: string): Timeline {
  return { ...timeline, pending: timeline.pending.filter((item) => item.client_msg_id !== clientMsgId) };
}

/* ---------- conversations ---------- */

function activityTime(conversation: Conversation): number {
  return Date.parse(conversation.last_message_at ?? conversation.created_at) || 0;
}

/** Most recent activity first; ties broken by id so the order is stable. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => activityTime(b) - activityTime(a) || String(b.id).localeCompare(String(a.id)));
}

function laterIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Whether a conversation is a list row (REST, `conversation:created`) rather than the bare
 * conversation of `conversation:updated`, which has no visitor, last message or unread count.
 */
export function isListRow(conversation: Conversation | ConversationEvent): conversation is Conversation {
  return conversation.visitor !== undefined;
}

/** Merges a list row (from a page or `conversation:created`) into the known copy, if any. */
export function mergeConversation(existing: Conversation | undefined, incoming: Conversation): Conversation {
  return existing ? applyConversation(existing, incoming) : { ...incoming, unread_count: incoming.unread_count ?? 0 };
}

/**
 * Applies a newer copy of a known conversation: a list row, or the bare conversation of an event.
 * Events can arrive out of order, so last_seq and last activity never move back.
 */
export function applyConversation(existing: Conversation, incoming: Conversation | ConversationEvent): Conversation {
  const row = isListRow(incoming) ? incoming : null;
  const incomingIsNewer = incoming.last_seq >= existing.last_seq;
  return {
    ...existing,
    ...incoming,
    visitor: row?.visitor ?? existing.visitor,
    last_seq: Math.max(existing.last_seq, incoming.last_seq),
    last_message_at: laterIso(existing.last_message_at, incoming.last_message_at),
    last_message: incomingIsNewer && row?.last_message ? row.last_message : existing.last_message,
    unread_count: row?.unread_count ?? existing.unread_count ?? 0,
    visitor_last_read_seq: Math.max(existing.visitor_last_read_seq, incoming.visitor_last_read_seq),
  };
}

/**
 * Applies a stored message to its conversation's summary. A message already
 * counted (seq not above last_seq) changes nothing, so replays never double the unread count.
 */
export function applyMessageToConversation(
  conversation: Conversation,
  message: Message,
  isBeingRead: boolean,
): Conversation {
  if (message.seq <= (conversation.last_seq ?? 0)) return conversation;
  const countsAsUnread = message.sender_type === "visitor" && !isBeingRead;
  return {
    ...conversation,
    last_seq: message.seq,
    last_message_at: laterIso(conversation.last_message_at, message.created_at),
    last_message: {
      content: message.content,
      sender_type: message.sender_type,
      created_at: message.created_at,
      private: message.private,
    },
    unread_count: countsAsUnread
      ? (conversation.unread_count ?? 0) + 1
      : isBeingRead
        ? 0
        : (conversation.unread_count ?? 0),
  };
}

/** Copies a visitor's new online state or name into the conversations that show them. */
export function applyVisitorToConversation(
  conversation: Conversation,
  visitor: Partial<Visitor> & { id: Id },
): Conversation {
  if (conversation.visitor_id !== visitor.id) return conversation;
  const current = conversation.visitor ?? { id: visitor.id, name: null, email: null, online: false };
  return {
    ...conversation,
    visitor: {
      ...current,
      name: visitor.name !== undefined ? visitor.name : current.name,
      email: visitor.email !== undefined ? visitor.email : current.email,
      online: visitor.online !== undefined ? visitor.online : current.online,
    },
  };
}

/**
 * Whether a conversation belongs in the list under the given filter. The search
 * text is checked only for conversations that arrive live: the server's search
 * also looks at older messages, so its results are trusted as they are.
 */
export function matchesFilter(
  conversation: Conversation,
  filter: ConversationFilter,
  meId: Id | null,
  checkQuery = true,
): boolean {
  if (filter.status !== "all" && conversation.status !== filter.status) return false;
  if (filter.assignee === "me" && (meId == null || conversation.assignee_id !== meId)) return false;
  if (filter.assignee === "none" && conversation.assignee_id != null) return false;
  const q = checkQuery ? filter.q.trim().toLowerCase() : "";
  if (q) {
    const haystack = [
      conversation.visitor?.name,
      conversation.visitor?.email,
      conversation.last_message?.content,
      ...(conversation.tags ?? []),
    ]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    if (!haystack.includes(q)) return false;
  }
  return true;
}

/**
 * The list to show, sorted by last activity: listed conversations that still match
 * the status and assignee filters (they may have changed live), plus the open one.
 */
export function visibleConversations(
  known: Readonly<Record<string, Conversation>>,
  listed: Readonly<Record<string, true>>,
  filter: ConversationFilter,
  meId: Id | null,
  activeId: Id | null,
): Conversation[] {
  return sortConversations(
    Object.values(known).filter(
      (c) => c.id === activeId || (listed[String(c.id)] && matchesFilter(c, filter, meId, false)),
    ),
  );
}

/** Total unread across conversations. */
export function totalUnread(list: readonly Conversation[]): number {
  return list.reduce((sum, conversation) => sum + (conversation.unread_count ?? 0), 0);
}
