/** Test doubles for the realtime side: an in-memory server with the contract's semantics and a transport to it. */
import { vi } from "vitest";
import type { Answer, Transport, TransportEvents } from "../src/frame/transport";
import type { Conversation, Message, WidgetRequests } from "../src/shared/types";
import { conversation as makeConversation, message as makeMessage } from "./builders";

/** An in-memory stand-in for the /widget namespace, with the contract's semantics. */
export class FakeServer {
  conversations: Conversation[] = [];
  messages: Message[] = [];
  requests: [keyof WidgetRequests, unknown][] = [];
  /** Messages per sync answer (the real server pages at 500). */
  syncLimit = Infinity;
  /** Whether sync answers say `has_more` (older servers did not). */
  saysHasMore = true;
  /** When set, the conversation list reports this last_seq: a list read before later messages were stored. */
  listedLastSeq: number | null = null;

  addMessage(
    conversationId: number | null,
    sender: Message["sender_type"],
    content: string,
    clientMsgId: string | null = null,
  ): Message {
    let conversation =
      this.conversations.find((c) => c.id === conversationId) ||
      this.conversations.find((c) => c.status !== "resolved");
    if (!conversation) {
      conversation = makeConversation(100 + this.conversations.length);
      this.conversations.push(conversation);
    }
    conversation.last_seq += 1;
    const message = makeMessage(conversation.last_seq, {
      id: this.messages.length + 1,
      conversation_id: conversation.id,
      sender_type: sender,
      sender_id: 1,
      content,
      client_msg_id: clientMsgId,
      created_at: new Date(Date.UTC(2025, 0, 1, 0, this.messages.length)).toISOString(),
    });
    this.messages.push(message);
    return message;
  }

  /** Requests the tests look at afterwards: every `sync` asked for. */
  syncRequests(): WidgetRequests["sync"][] {
    return this.requests.filter(([event]) => event === "sync").map(([, payload]) => payload as WidgetRequests["sync"]);
  }

  handle<Event extends keyof WidgetRequests>(event: Event, payload?: WidgetRequests[Event]): Answer<Event> {
    this.requests.push([event, payload]);
    return this.answer(event, payload) as Answer<Event>;
  }

  /** The ack; `unknown` because a fake of an older server (no `has_more`) leaves the contract. */
  private answer(event: keyof WidgetRequests, body: unknown): unknown {
    if (event === "conversations:list") {
      const listed = this.conversations.map((c) => ({ ...c, last_seq: this.listedLastSeq ?? c.last_seq }));
      return { ok: true, conversations: listed };
    }
    if (event === "sync") {
      const payload = body as WidgetRequests["sync"];
      const after = this.messages.filter(
        (m) => m.conversation_id === payload.conversation_id && m.seq > (payload.after_seq ?? 0),
      );
      const messages = after.slice(0, this.syncLimit);
      const conversation = this.conversations.find((c) => c.id === payload.conversation_id);
      return {
        ok: true,
        messages,
        ...(this.saysHasMore ? { has_more: messages.length < after.length } : {}),
        ...(conversation ? { conversation: { ...conversation } } : {}),
      };
    }
    if (event === "message:send") {
      const payload = body as WidgetRequests["message:send"];
      const existing = this.messages.find((m) => m.client_msg_id === payload.client_msg_id);
      return {
        ok: true,
        message:
          existing ||
          this.addMessage(payload.conversation_id ?? null, "visitor", payload.content ?? "", payload.client_msg_id),
      };
    }
    throw new Error("unexpected " + event);
  }

  sent(): string[] {
    return this.requests
      .filter(([event]) => event === "message:send")
      .map(([, payload]) => (payload as WidgetRequests["message:send"]).content ?? "");
  }
}

export class FakeTransport implements Transport {
  isConnected = false;
  emitted: [string, unknown][] = [];
  private listeners = new Map<string, ((payload: unknown) => void)[]>();
  constructor(private server: FakeServer) {}

  async request<Event extends keyof WidgetRequests>(
    event: Event,
    payload?: WidgetRequests[Event],
  ): Promise<Answer<Event>> {
    if (!this.isConnected) throw new Error("not connected");
    await Promise.resolve();
    return this.server.handle(event, payload);
  }
  emit<Event extends keyof WidgetRequests>(event: Event, payload: WidgetRequests[Event]) {
    if (this.isConnected) this.emitted.push([event, payload]);
  }
  on<Event extends keyof TransportEvents>(event: Event, listener: (payload: TransportEvents[Event]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) || []), listener as (payload: unknown) => void]);
  }
  /** Delivers an event as the server would (tests may send what the contract forbids, to see it handled). */
  fire(event: string, payload?: unknown) {
    this.listeners.get(event)?.forEach((listener) => listener(payload));
  }
  reconnect = vi.fn();
  close = vi.fn();

  connect() {
    this.isConnected = true;
    this.fire("connect");
  }
  drop() {
    this.isConnected = false;
    this.fire("disconnect");
  }
}
