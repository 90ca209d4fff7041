/**
 * The realtime connection as the chat controller sees it, typed by the realtime
 * contract. `socket.ts` implements it with socket.io-client; tests use an in-memory fake.
 */
import type { ErrorAck, WidgetAcks, WidgetEvents, WidgetRequests } from "../shared/types";

/**
 * What each listener receives: the server's events plus three of the connection's
 * own, "connect", "disconnect" and "refused" (the server turned the visitor token
 * down; no retry follows).
 */
export type TransportEvents = WidgetEvents & { connect: undefined; disconnect: undefined; refused: unknown };

/** The answer to a request: its ack when the server did it, the error ack when it refused. */
export type Answer<Event extends keyof WidgetRequests> = WidgetAcks[Event] | ErrorAck;

export interface Transport {
  readonly isConnected: boolean;
  /** Emits with an acknowledgement; rejects when not connected or when no ack comes in time. */
  request<Event extends keyof WidgetRequests>(event: Event, payload?: WidgetRequests[Event]): Promise<Answer<Event>>;
  /** Fire and forget (typing, read); dropped when not connected rather than buffered. */
  emit<Event extends keyof WidgetRequests>(event: Event, payload: WidgetRequests[Event]): void;
  on<Event extends keyof TransportEvents>(event: Event, listener: (payload: TransportEvents[Event]) => void): void;
  /** Reconnects now (e.g. after a new token), or after a refusal. */
  reconnect(auth?: Record<string, string>): void;
  close(): void;
}
