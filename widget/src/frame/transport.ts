/**
 * The realtime connection as the chat controller sees it. `socket.ts`
 * implements it with socket.io-client; tests use an in-memory fake.
 */

export interface Transport {
  readonly isConnected: boolean;
  /** Emits with an acknowledgement; rejects when not connected or when no ack comes in time. */
  request<T>(event: string, payload?: unknown): Promise<T>;
  /** Fire and forget (typing, read); dropped when not connected rather than buffered. */
  emit(event: string, payload: unknown): void;
  /**
   * Server events plus three of the connection's own: "connect", "disconnect"
   * and "refused" (the server turned the visitor token down; no retry follows).
   */
  on(event: string, listener: (payload: any) => void): void;
  /** Reconnects now (e.g. after a new token), or after a refusal. */
  reconnect(auth?: Record<string, string>): void;
  close(): void;
}
