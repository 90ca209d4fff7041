import { describe, expect, it } from "vitest";
import {
  addOutgoing,
  adoptNewConversation,
  canStartNew,
  initialState,
  lastSeq,
  pickInitialConversation,
  receiveConversations,
  receiveMessages,
  resumeSeq,
  setVisitorRead,
  Store,
  unreadCount,
  visibleMessages,
  visibleOutgoing,
  type ChatState,
  type OutgoingMessage,
} from "../src/frame/store";
import { conversation, message } from "./builders";

const outgoing = (id: string, conversationId: number | null = 1): OutgoingMessage => ({
  client_msg_id: id,
  conversation_id: conversationId,
  content: "hello",
  attachments: [],
  created_at: "2025-01-01T00:00:00Z",
  status: "pending",
});

const withConversation = (change: Partial<ChatState> = {}): ChatState => ({
  ...receiveConversations(initialState(), [conversation(1)]),
  currentId: 1,
  ...change,
});

describe("store: messages", () => {
  it("keeps messages sorted by seq whatever the arrival order", () => {
    const state = receiveMessages(withConversation(), [message(3), message(1), message(2)]);
    expect(state.messages[1]?.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(lastSeq(state, 1)).toBe(3);
  });

  it("dedupes by (conversation_id, seq): an event and a sync of the same message count once", () => {
    let state = receiveMessages(withConversation(), [message(1), message(2)]);
    state = receiveMessages(state, [message(2), message(3)]);
    state = receiveMessages(state, [message(3)]);
    expect(state.messages[1]?.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("resumes from the end of the unbroken run of seqs, below any hole", () => {
    expect(resumeSeq(receiveMessages(withConversation(), [message(1), message(2), message(4)]), 1)).toBe(2);
    expect(resumeSeq(receiveMessages(withConversation(), [message(3)]), 1)).toBe(0);
    expect(resumeSeq(withConversation(), 1)).toBe(0);
  });

  it("keeps the same seq in different conversations apart", () => {
    const state = receiveMessages(withConversation(), [message(1), message(1, { conversation_id: 2, id: 99 })]);
    expect(state.messages[1]).toHaveLength(1);
    expect(state.messages[2]).toHaveLength(1);
  });

  it("drops private notes (they are for agents only)", () => {
    const state = receiveMessages(withConversation(), [message(1, { private: true })]);
    expect(state.messages[1]).toBeUndefined();
  });

  it("replaces the optimistic copy when the stored message comes back, by client_msg_id", () => {
    let state = addOutgoing(withConversation(), outgoing("c-1"));
    expect(visibleOutgoing(state)).toHaveLength(1);

    state = receiveMessages(state, [message(4, { sender_type: "visitor", client_msg_id: "c-1" })]);

    expect(visibleOutgoing(state)).toEqual([]);
    expect(visibleMessages(state).map((m) => m.client_msg_id)).toEqual(["c-1"]);
  });

  it("learns a conversation created by the visitor's first message", () => {
    const state = receiveMessages(initialState(), [message(1, { conversation_id: 42, sender_type: "visitor" })]);
    expect(state.conversations.map((c) => c.id)).toEqual([42]);
    expect(state.conversations[0]).toMatchObject({ status: "open", last_seq: 1 });
  });

  it("moves a new conversation's waiting messages and the screen to its id", () => {
    let state: ChatState = { ...initialState(), currentId: null };
    state = addOutgoing(state, outgoing("a", null));
    state = addOutgoing(state, outgoing("b", null));

    state = adoptNewConversation(state, 42);

    expect(state.currentId).toBe(42);
    expect(state.unsent.map((o) => o.conversation_id)).toEqual([42, 42]);
  });
});

describe("store: conversations", () => {
  it("sorts by latest activity and never moves last_seq backwards", () => {
    let state = receiveConversations(initialState(), [
      conversation(1, { last_message_at: "2025-01-01T10:00:00Z", last_seq: 5 }),
      conversation(2, { last_message_at: "2025-01-02T10:00:00Z" }),
    ]);
    expect(state.conversations.map((c) => c.id)).toEqual([2, 1]);

    state = receiveConversations(state, [conversation(1, { last_seq: 3, status: "resolved" })]);
    const first = state.conversations.find((c) => c.id === 1)!;
    expect(first.last_seq).toBe(5);
    expect(first.status).toBe("resolved");
  });

  it("offers a new conversation only when every conversation is resolved", () => {
    const open = receiveConversations(initialState(), [
      conversation(1, { status: "resolved" }),
      conversation(2, { status: "snoozed" }),
    ]);
    expect(canStartNew(open)).toBe(false);
    expect(pickInitialConversation(open)).toBe(2);

    const done = receiveConversations(open, [conversation(2, { status: "resolved" })]);
    expect(canStartNew(done)).toBe(true);
    expect(pickInitialConversation(done)).toBeNull();
  });
});

describe("store: unread", () => {
  it("counts agent messages after what the visitor has seen", () => {
    let state = receiveMessages(withConversation(), [
      message(1),
      message(2, { sender_type: "visitor" }),
      message(3),
      message(4, { sender_type: "system" }),
    ]);
    expect(unreadCount(state)).toBe(2);

    state = setVisitorRead(state, 1, 3);
    expect(unreadCount(state)).toBe(0);
  });

  it("takes the server's read position when it sends one", () => {
    let state = receiveConversations(initialState(), [conversation(1, { visitor_last_read_seq: 2 })]);
    state = receiveMessages(state, [message(1), message(2), message(3)]);
    expect(unreadCount(state)).toBe(1);
  });

  it("takes the agents' read position from the conversation for receipts after a reload", () => {
    const state = receiveConversations(initialState(), [conversation(1, { agent_last_read_seq: 7 })]);
    expect(state.agentReadSeq[1]).toBe(7);
  });

  it("never moves the read position backwards", () => {
    const state = setVisitorRead(setVisitorRead(withConversation(), 1, 5), 1, 2);
    expect(state.visitorReadSeq[1]).toBe(5);
  });
});

describe("Store", () => {
  it("notifies subscribers on change only", () => {
    const store = new Store();
    const seen: number[] = [];
    const off = store.subscribe((state) => seen.push(state.unsent.length));
    store.update((state) => addOutgoing(state, outgoing("a")));
    store.update((state) => state);
    off();
    store.update((state) => addOutgoing(state, outgoing("b")));
    expect(seen).toEqual([1]);
  });
});
