/** Complete server shapes for the units, with what a test changes on top. */
import type { Conversation, Message, Session, Visitor, WidgetConfig } from "../src/shared/types";

/** A project's widget settings as the session answer carries them: someone online, no pre-chat form. */
export function widgetConfig(change: Partial<WidgetConfig> = {}): WidgetConfig {
  return {
    color: "#1f6feb",
    position: "right",
    greeting: "",
    launcher_text: "",
    away_message: "",
    agents_online: true,
    within_business_hours: true,
    prechat: { enabled: false, fields: [] },
    locale: "en",
    title: "",
    ...change,
  };
}

export function visitor(change: Partial<Visitor> = {}): Visitor {
  return { id: 1, name: null, email: null, identifier: null, ...change };
}

export function session(token = "vt_1", visitorId = 1, config: Partial<WidgetConfig> = {}): Session {
  return { visitor_token: token, visitor: visitor({ id: visitorId }), config: widgetConfig(config) };
}

export function message(seq: number, change: Partial<Message> = {}): Message {
  return {
    id: seq,
    conversation_id: 1,
    seq,
    sender_type: "agent",
    sender_id: 5,
    sender: null,
    content: "m" + seq,
    private: false,
    client_msg_id: null,
    created_at: new Date(Date.UTC(2025, 0, 1, 0, seq)).toISOString(),
    attachments: [],
    ...change,
  };
}

export function conversation(id: number, change: Partial<Conversation> = {}): Conversation {
  return {
    id,
    status: "open",
    last_seq: 0,
    visitor_last_read_seq: 0,
    agent_last_read_seq: 0,
    last_message_at: null,
    created_at: "2025-01-01T00:00:00Z",
    ...change,
  };
}
