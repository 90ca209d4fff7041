/**
 * The chat state and the pure functions that change it. Everything here is
 * synchronous and side-effect free so it can be tested without a socket;
 * `chat.ts` calls these in response to the network and the UI.
 *
 * Messages are kept per conversation, sorted by `seq` and unique by it
 * (the server's order is the truth). Messages the visitor is still sending
 * live apart in `unsent`, keyed by `client_msg_id`, until the stored copy
 * comes back (ack, `message:new` or a sync), whichever is first.
 */
import type { Attachment, Conversation, Message, Sender, Session, TypingAgent } from "../shared/types";

/** "connecting" before the first connection; "reconnecting" or "offline" after losing one. */
export type Connection = "connecting" | "online" | "reconnecting" | "offline";

/** What the widget shows of an agent: a message's sender or the one typing. */
export type Agent = Pick<TypingAgent, "name" | "avatar_url"> | Sender;

/** A visitor message that has not been acknowledged as stored yet. */
export interface OutgoingMessage {
  client_msg_id: string;
  /** null until the first message of a new conversation is stored. */
  conversation_id: number | null;
  content: string;
  attachments: Attachment[];
  created_at: string;
  status: "pending" | "failed";
  error?: string;
}

export interface ChatState {
  session: Session | null;
  connection: Connection;
  /** Whether the host page shows the chat window. */
  isOpen: boolean;
  view: "chat" | "list";
  /** The conversation on screen; null for a new one (created by its first message). */
  currentId: number | null;
  conversations: Conversation[];
  messages: Record<number, Message[]>;
  /** What the visitor wrote that the server has not stored yet, shown as pending or failed (not the server's outbox). */
  unsent: OutgoingMessage[];
  agentTyping: Record<number, Agent | undefined>;
  /** Highest seq an agent has read, per conversation (read receipts). */
  agentReadSeq: Record<number, number>;
  /** Highest seq the visitor has seen, per conversation (unread count). */
  visitorReadSeq: Record<number, number>;
  /** Conversations whose history has been loaded at least once. */
  loaded: Record<number, boolean>;
  /** The conversation list has come from the server at least once (so "no history" is known). */
  isListed: boolean;
}

export function initialState(): ChatState {
  return {
    session: null,
    connection: "connecting",
    isOpen: false,
    view: "chat",
    currentId: null,
    conversations: [],
    messages: {},
    unsent: [],
    agentTyping: {},
    agentReadSeq: {},
    visitorReadSeq: {},
    loaded: {},
    isListed: false,
  };
}

/** The highest seq known for a conversation (0 when none), used to resume. */
export function lastSeq(state: ChatState, conversationId: number): number {
  const list = state.messages[conversationId];
  return list?.[list.length - 1]?.seq ?? 0;
}

/**
 * Where to resume from: the end of the unbroken run of seqs from 1. seq is
 * gap-free per conversation, so a hole means something was missed (a live
 * event can arrive before the one it follows was fetched) and must be
 * fetched again; asking from below the hole re-fetches a few known messages,
 * which the dedupe drops.
 */
export function resumeSeq(state: ChatState, conversationId: number): number {
  let seq = 0;
  for (const message of state.messages[conversationId] || []) {
    if (message.seq !== seq + 1) break;
    seq = message.seq;
  }
  return seq;
}

const isVisible = (message: Message) => !message.private;

/**
 * Adds stored messages: dedupes by (conversation_id, seq), keeps each list
 * sorted, drops the matching outgoing copies by client_msg_id, and bumps the
 * conversation's last_seq.
 */
export function receiveMessages(state: ChatState, incoming: Message[]): ChatState {
  const fresh = incoming.filter(isVisible);
  if (!fresh.length) return state;
  const messages = { ...state.messages };
  const delivered = new Set<string>();
  for (const message of fresh) {
    const list = (messages[message.conversation_id] = [...(messages[message.conversation_id] || [])]);
    if (message.client_msg_id) delivered.add(message.client_msg_id);
    // From the end: live messages and newer pages go last.
    let index = list.length;
    let before = list[index - 1];
    while (before && before.seq > message.seq) before = list[--index - 1];
    if (before?.seq === message.seq) continue;
    list.splice(index, 0, message);
  }
  // A first message creates its conversation server-side: know it before conversation:updated arrives.
  const known = new Set(state.conversations.map((c) => c.id));
  const created: Conversation[] = [];
  for (const message of fresh) {
    if (known.has(message.conversation_id)) continue;
    known.add(message.conversation_id);
    created.push({
      id: message.conversation_id,
      status: "open",
      last_seq: 0,
      visitor_last_read_seq: 0,
      agent_last_read_seq: 0,
      last_message_at: null,
      created_at: message.created_at,
    });
  }
  const conversations = [...created, ...state.conversations].map((conversation) => {
    const list = messages[conversation.id];
    const top = list && list[list.length - 1];
    return top && top.seq > conversation.last_seq
      ? { ...conversation, last_seq: top.seq, last_message_at: top.created_at }
      : conversation;
  });
  return {
    ...state,
    messages,
    conversations,
    unsent: state.unsent.filter((item) => !delivered.has(item.client_msg_id)),
  };
}

/** Merges conversations from the server (list, `conversation:updated`), newest activity first. */
export function receiveConversations(state: ChatState, incoming: Conversation[]): ChatState {
  const byId = new Map(state.conversations.map((c) => [c.id, c]));
  for (const conversation of incoming) {
    const known = byId.get(conversation.id);
    // Never move last_seq backwards: an older snapshot may arrive after a newer message.
    byId.set(
      conversation.id,
      known
        ? { ...known, ...conversation, last_seq: Math.max(known.last_seq, conversation.last_seq || 0) }
        : conversation,
    );
  }
  const activity = (c: Conversation) => Date.parse(c.last_message_at || c.created_at) || 0;
  const conversations = [...byId.values()].sort((a, b) => activity(b) - activity(a));
  // Read positions the server may send with a conversation; they only ever move forward.
  const visitorReadSeq = { ...state.visitorReadSeq };
  const agentReadSeq = { ...state.agentReadSeq };
  for (const { id, visitor_last_read_seq: visitorSeq, agent_last_read_seq: agentSeq } of incoming) {
    if (visitorSeq != null) visitorReadSeq[id] = Math.max(visitorReadSeq[id] || 0, visitorSeq);
    if (agentSeq != null) agentReadSeq[id] = Math.max(agentReadSeq[id] || 0, agentSeq);
  }
  return { ...state, conversations, visitorReadSeq, agentReadSeq };
}

export function addOutgoing(state: ChatState, message: OutgoingMessage): ChatState {
  return { ...state, unsent: [...state.unsent, message] };
}

export function updateOutgoing(state: ChatState, clientMsgId: string, change: Partial<OutgoingMessage>): ChatState {
  return {
    ...state,
    unsent: state.unsent.map((item) => (item.client_msg_id === clientMsgId ? { ...item, ...change } : item)),
  };
}

/**
 * The first stored message of a new conversation tells us its id: the
 * messages still waiting for it belong there, and so does the screen when it
 * still shows the new conversation.
 */
export function adoptNewConversation(state: ChatState, conversationId: number): ChatState {
  return {
    ...state,
    currentId: state.currentId === null && state.view === "chat" ? conversationId : state.currentId,
    unsent: state.unsent.map((item) =>
      item.conversation_id === null ? { ...item, conversation_id: conversationId } : item,
    ),
  };
}

export function setAgentRead(state: ChatState, conversationId: number, seq: number): ChatState {
  if ((state.agentReadSeq[conversationId] || 0) >= seq) return state;
  return { ...state, agentReadSeq: { ...state.agentReadSeq, [conversationId]: seq } };
}

export function setVisitorRead(state: ChatState, conversationId: number, seq: number): ChatState {
  if ((state.visitorReadSeq[conversationId] || 0) >= seq) return state;
  return { ...state, visitorReadSeq: { ...state.visitorReadSeq, [conversationId]: seq } };
}

export function setAgentTyping(state: ChatState, conversationId: number, agent: Agent | undefined): ChatState {
  return { ...state, agentTyping: { ...state.agentTyping, [conversationId]: agent } };
}

const isFromTeam = (message: Message) => message.sender_type === "agent";

/** Agent messages the visitor has not seen, in one conversation. */
export function unreadIn(state: ChatState, conversationId: number): number {
  const seen = state.visitorReadSeq[conversationId] || 0;
  return (state.messages[conversationId] || []).filter((m) => isFromTeam(m) && m.seq > seen).length;
}

/** The number mirrored on the launcher badge. */
export function unreadCount(state: ChatState): number {
  return Object.keys(state.messages).reduce((sum, id) => sum + unreadIn(state, Number(id)), 0);
}

export function currentConversation(state: ChatState): Conversation | undefined {
  return state.conversations.find((c) => c.id === state.currentId);
}

/** Stored messages of the conversation on screen. */
export function visibleMessages(state: ChatState): Message[] {
  return state.currentId === null ? [] : state.messages[state.currentId] || [];
}

/** Outgoing messages of the conversation on screen (a new conversation shows those without an id). */
export function visibleOutgoing(state: ChatState): OutgoingMessage[] {
  return state.unsent.filter((item) => item.conversation_id === state.currentId);
}

export const isResolved = (conversation: Conversation | undefined) => conversation?.status === "resolved";

/** The visitor may start a new conversation only when none is still going on. */
export function canStartNew(state: ChatState): boolean {
  return state.conversations.every(isResolved);
}

/**
 * Where the visitor lands: the most recent conversation still going on, or a
 * new one when every conversation is resolved.
 */
export function pickInitialConversation(state: ChatState): number | null {
  return state.conversations.find((c) => !isResolved(c))?.id ?? null;
}

/** The agent seen most recently in a conversation, for the header. */
export function lastAgent(messages: Message[]): Agent | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && isFromTeam(message) && message.sender) return message.sender;
  }
  return undefined;
}

/** A tiny observable holder for the state; components re-render on every change. */
export class Store {
  private listeners = new Set<(state: ChatState) => void>();
  constructor(public state: ChatState = initialState()) {}

  update(change: (state: ChatState) => ChatState): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((listener) => listener(next));
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
