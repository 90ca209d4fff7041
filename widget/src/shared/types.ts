/**
 * Shapes exchanged with the backend (ARCHITECTURE.md §6) and between the
 * loader and the frame. Only the fields the widget reads are typed; the
 * server may send more.
 */

export type SenderType = "visitor" | "agent" | "system";
export type ConversationStatus = "open" | "pending" | "resolved" | "snoozed";

export interface Attachment {
  id?: string | number;
  url: string;
  name?: string;
  content_type?: string;
  size?: number;
}

export interface Message {
  id: number | string;
  conversation_id: number;
  seq: number;
  sender_type: SenderType;
  sender_id?: number | string | null;
  sender?: { name?: string; avatar_url?: string | null } | null;
  content: string;
  private?: boolean;
  client_msg_id?: string | null;
  created_at: string;
  attachments?: Attachment[];
}

export interface Conversation {
  id: number;
  status: ConversationStatus;
  last_seq: number;
  last_message_at?: string | null;
  created_at: string;
  /** Optional: lets a new device know what the visitor already read. */
  visitor_last_read_seq?: number;
  /** Optional: what the agents have read, for "Seen" after a reload. */
  agent_last_read_seq?: number;
}

export interface Visitor {
  id: number | string;
  name?: string | null;
  email?: string | null;
  identifier?: string | null;
}

export interface PrechatField {
  name: string;
  label?: string;
  type?: "text" | "email" | "tel" | "number" | "textarea";
  required?: boolean;
}

export interface WidgetConfig {
  color?: string;
  position?: "right" | "left";
  greeting?: string;
  launcher_text?: string;
  away_message?: string;
  agents_online?: boolean;
  within_business_hours?: boolean;
  prechat?: { enabled?: boolean; fields?: PrechatField[] };
  locale?: string;
  /** Display name of the team, shown in the frame header. */
  title?: string;
}

export interface Session {
  visitor_token: string;
  visitor: Visitor;
  config: WidgetConfig;
}

/**
 * Server → client events of /widget (ARCHITECTURE.md §6; `flask realtime-schema` exports them all):
 * stored events carry `event_id` and their resource under its name; `typing` and `read` are flat.
 */
export interface MessageNewEvent {
  event_id: number;
  message: Message;
}

export interface ConversationUpdatedEvent {
  event_id: number;
  conversation: Conversation;
}

export interface ReadEvent {
  event_id: number;
  conversation_id: number;
  seq: number;
  reader_type: "visitor" | "agent";
}

export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}
