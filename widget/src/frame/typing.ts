/**
 * Typing indicators both ways: the visitor's, sent throttled while they type,
 * and the agents', shown until a "stopped" event, a message, or a timeout.
 */
import type { WidgetEvents, WidgetRequests } from "../shared/types";
import { setAgentTyping, type Store } from "./store";

/** An agent's typing indicator disappears if no "stopped" event comes in time. */
const AGENT_TYPING_TTL_MS = 8_000;
/** While the visitor types, "typing" is re-sent at most this often... */
const TYPING_REPEAT_MS = 3_000;
/** ...and "stopped typing" follows this long after the last keystroke. */
const TYPING_IDLE_MS = 4_000;

export class Typing {
  private sentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTimers = new Map<number, ReturnType<typeof setTimeout>>();

  /** `send` emits the visitor's `typing` (dropped while disconnected). */
  constructor(
    private store: Store,
    private send: (payload: WidgetRequests["typing"]) => void,
  ) {}

  /** The visitor typed (true, on every keystroke) or stopped (false, on send or blur); throttled here. */
  visitorTyping(isTyping: boolean): void {
    clearTimeout(this.idleTimer);
    const now = Date.now();
    if (isTyping) {
      if (now - this.sentAt > TYPING_REPEAT_MS) {
        this.sentAt = now;
        this.emit(true);
      }
      this.idleTimer = setTimeout(() => this.visitorTyping(false), TYPING_IDLE_MS);
    } else if (this.sentAt) {
      this.sentAt = 0;
      this.emit(false);
    }
  }

  /** An agent's `typing` event. */
  agentTyping(event: WidgetEvents["typing"]): void {
    const id = event.conversation_id;
    clearTimeout(this.agentTimers.get(id));
    this.store.update((state) => setAgentTyping(state, id, event.is_typing ? event.agent : undefined));
    if (event.is_typing) {
      this.agentTimers.set(
        id,
        setTimeout(() => this.store.update((state) => setAgentTyping(state, id, undefined)), AGENT_TYPING_TTL_MS),
      );
    }
  }

  /** An agent's message ends their typing indicator. */
  agentSent(conversationId: number): void {
    this.store.update((state) => setAgentTyping(state, conversationId, undefined));
  }

  /** Forgets every timer (the connection closed). */
  reset(): void {
    clearTimeout(this.idleTimer);
    this.sentAt = 0;
    this.agentTimers.forEach(clearTimeout);
    this.agentTimers.clear();
  }

  private emit(isTyping: boolean) {
    const id = this.store.state.currentId;
    this.send(id === null ? { is_typing: isTyping } : { is_typing: isTyping, conversation_id: id });
  }
}
