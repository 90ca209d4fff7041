/**
 * Visitor messages waiting to be stored by the server, sent strictly in the
 * order they were written.
 *
 * Exactly-once delivery rests on the server (ARCHITECTURE.md §4): a resend
 * with the same `client_msg_id` returns the message already stored. So the
 * queue may resend freely after any doubt (timeout, dropped connection) and
 * only forgets an item once the server has answered for it:
 * - ack ok: stored, done;
 * - ack error: the server refused it (too long, rate limited …), so it
 *   leaves the queue as failed; "Retry" puts it back with the same id;
 * - no answer: it stays at the head and the queue pauses until `flush()`
 *   is called again (on reconnect);
 * - ack error `overloaded` (the server is saturated; nothing was stored): it
 *   stays at the head, still shown as sending, and goes again after the
 *   server's `retry_after_ms`, backing off while the refusals go on.
 *
 * The queue is persisted so messages written offline survive a page reload.
 */
import type { ApiError, Message } from "../shared/types";

export interface QueuedMessage {
  client_msg_id: string;
  content: string;
  /** null: goes to the visitor's open conversation, or creates one. */
  conversation_id: number | null;
  attachment_ids?: number[];
}

export type SendResult =
  | { ok: true; message: Message }
  | { ok: false; error: ApiError }
  /** No answer: timeout or disconnection. The send may or may not have been stored. */
  | { ok: false; error?: undefined; isLost: true };

export interface OfflineQueueOptions {
  send(item: QueuedMessage): Promise<SendResult>;
  isOnline(): boolean;
  onStored(item: QueuedMessage, message: Message): void;
  onRefused(item: QueuedMessage, error: ApiError): void;
  /** Called with the whole queue after each change, to persist it. */
  save?(items: QueuedMessage[]): void;
  /** Waits before an overloaded send goes again (tests pass a fake clock). */
  sleep?(ms: number): Promise<void>;
}

/** Longest wait between two tries of a send the server refused as overloaded. */
export const OVERLOADED_MAX_WAIT_MS = 10_000;

/** The wait before try `attempt` (0-based) of an overloaded send: the server's hint, doubled each time, jittered. */
export function overloadedWait(error: ApiError, attempt: number, random: () => number = Math.random): number {
  const details = (error.details ?? {}) as { retry_after_ms?: unknown };
  const hint = typeof details.retry_after_ms === "number" && details.retry_after_ms > 0 ? details.retry_after_ms : 500;
  const wait = Math.min(OVERLOADED_MAX_WAIT_MS, hint * 2 ** Math.min(attempt, 5));
  return Math.round(wait * (0.75 + 0.5 * random()));
}

export class OfflineQueue {
  private items: QueuedMessage[];
  private flushing: Promise<void> | null = null;
  private isFlushRequested = false;
  private overloadedTries = 0;

  constructor(
    private options: OfflineQueueOptions,
    saved: QueuedMessage[] = [],
  ) {
    this.items = [...saved];
  }

  get pending(): readonly QueuedMessage[] {
    return this.items;
  }

  /** Adds a message at the end (a retry keeps its client_msg_id) and tries to send. */
  enqueue(item: QueuedMessage): Promise<void> {
    if (!this.items.some((queued) => queued.client_msg_id === item.client_msg_id)) {
      this.items.push(item);
      this.save();
    }
    return this.flush();
  }

  /** Messages queued for a conversation that did not exist yet now know its id. */
  assignConversation(conversationId: number): void {
    let isChanged = false;
    for (const item of this.items) {
      if (item.conversation_id === null) {
        item.conversation_id = conversationId;
        isChanged = true;
      }
    }
    if (isChanged) this.save();
  }

  /** Drops everything (the visitor was reset). */
  clear(): void {
    this.items = [];
    this.save();
  }

  /**
   * Sends queued messages one at a time, in order. Concurrent calls share one
   * run, so a message is never in flight twice from this queue.
   */
  flush(): Promise<void> {
    if (this.flushing) {
      // The running pass may already be past its last check: make it go round once more.
      this.isFlushRequested = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.isFlushRequested = false;
        await this.run();
      } while (this.isFlushRequested);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async run(): Promise<void> {
    for (let item = this.items[0]; item && this.options.isOnline(); item = this.items[0]) {
      const result = await this.options.send(item);
      if (!result.ok && !result.error) return; // no answer: keep it, resend on the next flush
      if (!result.ok && result.error.code === "overloaded") {
        // Not stored: the same client_msg_id goes again, so a late success is still stored once.
        await (this.options.sleep ?? defaultSleep)(overloadedWait(result.error, this.overloadedTries++));
        continue;
      }
      this.overloadedTries = 0;
      this.items.shift();
      this.save();
      if (result.ok) {
        // The first message of a new conversation gives the id the following ones need.
        if (item.conversation_id === null) this.assignConversation(result.message.conversation_id);
        this.options.onStored(item, result.message);
      } else {
        this.options.onRefused(item, result.error);
      }
    }
  }

  private save(): void {
    this.options.save?.(this.items);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
