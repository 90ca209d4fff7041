import type { Conversation, Message } from "../api/types";

/** Builders for the Vitest units. */
export function makeMessage(seq: number, change: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversation_id: 1,
    seq,
    sender_type: "visitor",
    sender_id: 9,
    content: `message ${seq}`,
    private: false,
    client_msg_id: null,
    created_at: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    ...change,
  };
}

export function makeConversation(id: number, change: Partial<Conversation> = {}): Conversation {
  return {
    id,
    project_id: 7,
    visitor_id: 100 + id,
    visitor: { id: 100 + id, name: `Visitor ${id}`, email: null, online: true },
    status: "open",
    assignee_id: null,
    priority: null,
    tags: [],
    last_seq: 0,
    last_message_at: null,
    last_message: null,
    unread_count: 0,
    created_at: new Date(Date.UTC(2025, 0, 1, 10, 0, id)).toISOString(),
    ...change,
  };
}
