import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { AgentEventPayloads, AgentRequestPayloads, AgentSyncAck, ErrorAck, Id } from "../api/types";
import type { SyncPage } from "../inbox/inboxStore";

export type ConnectionState = "idle" | "connecting" | "connected" | "reconnecting";

/**
 * Server → client events of the /agent namespace, typed by the realtime contract
 * (`make types`): resources under their name; typing, read and presence flat.
 */
export type AgentEvents = {
  [Event in keyof AgentEventPayloads]: (payload: AgentEventPayloads[Event]) => void;
};

export interface AgentSocketAuth {
  getToken: () => string | null;
  /** The status the agent chose, sent with the handshake so a first tab never starts "online" by mistake. */
  getStatus?: () => "online" | "away";
  /** Gets a fresh access token when the server refuses the handshake. */
  refreshToken: () => Promise<unknown>;
}

export interface AgentSocketCallbacks {
  onState: (state: ConnectionState) => void;
  /** Called on every successful (re)connection, after the first one too. */
  onConnected: (isReconnect: boolean) => void;
  handlers: Partial<AgentEvents>;
}

const SYNC_TIMEOUT_MS = 8000;
const MAX_AUTH_RETRY_DELAY_MS = 30000;

/**
 * The one Socket.IO client of the dashboard, on the /agent namespace.
 * The handshake reads the latest access token on every attempt, so a reconnect
 * after a token refresh authenticates with the new one.
 */
export class AgentSocket {
  private socket: Socket | null = null;
  private hasConnected = false;
  private authFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly auth: AgentSocketAuth;
  private options: AgentSocketCallbacks | null = null;

  constructor(auth: AgentSocketAuth) {
    this.auth = auth;
  }

  start(callbacks: AgentSocketCallbacks): void {
    if (this.socket) return;
    this.options = callbacks;
    const options = callbacks;
    const socket = io("/agent", {
      path: "/socket.io",
      auth: (callback) => callback({ token: this.auth.getToken(), status: this.auth.getStatus?.() ?? "online" }),
      reconnectionDelayMax: 10000,
    });
    this.socket = socket;
    options.onState("connecting");

    socket.on("connect", () => {
      const isReconnect = this.hasConnected;
      this.hasConnected = true;
      this.authFailures = 0;
      options.onState("connected");
      options.onConnected(isReconnect);
    });
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return;
      options.onState("reconnecting");
      // The server closed the session (e.g. its token expired): Socket.IO will not retry by itself.
      if (reason === "io server disconnect") this.retryAfterRefresh();
    });
    socket.on("connect_error", () => {
      options.onState(this.hasConnected ? "reconnecting" : "connecting");
      // The server refused the handshake (expired token): Socket.IO will not retry by itself.
      if (!socket.active) this.retryAfterRefresh();
    });
    for (const [event, handler] of Object.entries(options.handlers)) {
      socket.on(event, handler as (...args: unknown[]) => void);
    }
  }

  private retryAfterRefresh(): void {
    if (this.retryTimer) return;
    // The first retry is immediate: the server closes sockets whose access token expired
    // (`error` {code: "token_expired"}), and a fresh token is all they need. Repeated failures back off.
    const delay = this.authFailures === 0 ? 0 : Math.min(1000 * 2 ** (this.authFailures - 1), MAX_AUTH_RETRY_DELAY_MS);
    this.authFailures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.auth
        .refreshToken()
        .then(() => this.socket?.connect())
        .catch(() => {
          // A refused refresh signs the agent out, which stops this socket.
          if (this.socket) this.retryAfterRefresh();
        });
    }, delay);
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.hasConnected = false;
    this.options?.onState("idle");
    this.options = null;
  }

  /**
   * Connects again now. The server joins an agent to the rooms of its projects
   * only when the socket connects, so a project created or joined since needs a
   * new connection before its events arrive.
   */
  reconnect(): void {
    if (this.socket?.connected) this.socket.disconnect().connect();
  }

  get isConnected(): boolean {
    return Boolean(this.socket?.connected);
  }

  emitTyping(conversationId: Id, isTyping: boolean): void {
    const payload: AgentRequestPayloads["typing"] = { conversation_id: conversationId, is_typing: isTyping };
    if (this.socket?.connected) this.socket.emit("typing", payload);
  }

  emitRead(conversationId: Id, seq: number): boolean {
    if (!this.socket?.connected) return false;
    this.socket.emit("read", { conversation_id: conversationId, seq } satisfies AgentRequestPayloads["read"]);
    return true;
  }

  setPresence(status: "online" | "away"): void {
    if (this.socket?.connected)
      this.socket.emit("presence:set", { status } satisfies AgentRequestPayloads["presence:set"]);
  }

  /** Messages after `afterSeq` (and whether more follow), or null when the socket is down or the server says no. */
  async sync(conversationId: Id, afterSeq: number): Promise<SyncPage | null> {
    const socket = this.socket;
    if (!socket?.connected) return null;
    try {
      const answer = await socket.timeout(SYNC_TIMEOUT_MS).emitWithAck("sync", {
        conversation_id: conversationId,
        after_seq: afterSeq,
      } satisfies AgentRequestPayloads["sync"]);
      return parseSyncAck(answer);
    } catch {
      return null;
    }
  }
}

/** The `sync` ack `{ok, messages, has_more}` as a page; null for an error ack or anything else. */
export function parseSyncAck(answer: unknown): SyncPage | null {
  const ack = answer as AgentSyncAck | ErrorAck | null;
  if (!ack || ack.ok !== true || !Array.isArray(ack.messages)) return null;
  return { messages: ack.messages, hasMore: ack.has_more === true };
}
