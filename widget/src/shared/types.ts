/**
 * The server's shapes (ARCHITECTURE.md §6), named for the widget. Every one is
 * an alias of a type generated from the server's own contracts by `make types`:
 * `generated/openapi.ts` (the REST API's OpenAPI document) and
 * `generated/realtime.ts` (the Socket.IO contract, app/realtime/contract.py).
 * Change the server's schemas, not these.
 */
import type { components } from "./generated/openapi";
import type { RealtimeContract } from "./generated/realtime";

type Schema = components["schemas"];

/** The contract's entries under one prefix (`server/widget/`, `ack/widget/` …), keyed by event name. */
type EventsUnder<Prefix extends string> = {
  [Name in keyof RealtimeContract as Name extends `${Prefix}${infer Event}` ? Event : never]: RealtimeContract[Name];
};

/** Server → client events of /widget by name, with the payload each carries. */
export type WidgetEvents = EventsUnder<"server/widget/">;
/** Client → server events of /widget by name, with the payload each takes. */
export type WidgetRequests = EventsUnder<"client/widget/">;
/** The ack of each client → server event when it succeeds; a refusal is an `ErrorAck`. */
export type WidgetAcks = EventsUnder<"ack/widget/">;
export type ErrorAck = RealtimeContract["ack/error"];

export type SenderType = Message["sender_type"];
export type ConversationStatus = Conversation["status"];

/** A stored message (history, sync and `message:new`). */
export type Message = WidgetEvents["message:new"]["message"];
export type Attachment = Schema["AttachmentOut"];
/** Who sent a team message, as shown to the visitor. */
export type Sender = NonNullable<Message["sender"]>;
/** The agent in a `typing` event. */
export type TypingAgent = WidgetEvents["typing"]["agent"];
/** What a visitor may know of its conversation. */
export type Conversation = WidgetEvents["conversation:updated"]["conversation"];

/** `POST /widget/session`: the visitor's token, who they are, and the widget's settings. */
export type Session = Schema["WidgetSessionOut"];
export type Visitor = Schema["PublicVisitorOut"];
export type WidgetConfig = Schema["WidgetConfigOut"];
export type PrechatField = Schema["PrechatField"];

/** The error envelope's body (`{error: {code, message, details}}`) and of error acks. */
export type ApiError = ErrorAck["error"];
