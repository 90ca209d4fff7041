import type { Conversation, MessagePage } from "../api/types";

/** A message as the REST API answers it (always with its attachments). */
export type StoredMessage = MessagePage["items"][number];

/** Builders for the Vitest units. */
export function makeMessage(seq: number, change: Partial<StoredMessage> = {}): StoredMessage {
  return {
    id: 1000 + seq,
    conversation_id: 1,
    seq,
    sender_type: "visitor",
    sender_id: 9,
    sender: null,
    content: `message ${seq}`,
    private: false,
    client_msg_id: null,
    created_at: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    attachments: [],
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
    snoozed_until: null,
    assignee_id: null,
    priority: "normal",
    tags: [],
    last_seq: 0,
    visitor_last_read_seq: 0,
    last_message_at: null,
    last_message: null,
    unread_count: 0,
    first_response_at: null,
    resolved_at: null,
    created_at: new Date(Date.UTC(2025, 0, 1, 10, 0, id)).toISOString(),
    updated_at: new Date(Date.UTC(2025, 0, 1, 10, 0, id)).toISOString(),
    ...change,
  };
}
