/**
 * Resume by seq: fetches the messages of a conversation after the last seq
 * held, page by page over the socket's `sync`, one run per conversation at a time.
 */
import type { Message } from "../shared/types";
import { isResolved, resumeSeq, type Store } from "./store";
import type { Answer, Transport } from "./transport";

/** Safety bound on sync pages for one conversation in one resume. */
const MAX_SYNC_PAGES = 50;

export class ConversationSync {
  private runs = new Map<number, Promise<void>>();

  /**
   * `transport` is the current connection (null when closed); `receive` stores
   * messages, telling whether they are news (missed while away) or history.
   */
  constructor(
    private store: Store,
    private transport: () => Transport | null,
    private receive: (messages: Message[], isNews: boolean) => void,
  ) {}

  /** Fetches messages after the last seq held; one run per conversation at a time. */
  sync(conversationId: number): Promise<void> {
    const previous = this.runs.get(conversationId) || Promise.resolve();
    const next = previous.then(() => this.syncPages(conversationId));
    this.runs.set(conversationId, next);
    return next;
  }

  /**
   * After a (re)connect: the conversation on screen and every open or already
   * loaded one, when it was never loaded or the list says it has more.
   */
  syncMissed(): Promise<void> {
    const state = this.store.state;
    const { conversations, currentId, loaded } = state;
    const toSync = conversations.filter(
      (c) =>
        (c.id === currentId || !isResolved(c) || loaded[c.id]) &&
        (!loaded[c.id] || c.last_seq > resumeSeq(state, c.id)),
    );
    return Promise.all(toSync.map((c) => this.sync(c.id))).then(() => undefined);
  }

  /** A live message past a hole, or a conversation whose last_seq moved past what we hold, is synced. */
  syncIfBehind(conversationId: number, seq: number): void {
    if (this.store.state.loaded[conversationId] && resumeSeq(this.store.state, conversationId) < seq) {
      void this.sync(conversationId);
    }
  }

  /** Forgets the runs (the connection closed; the next one resumes from the same seqs). */
  reset(): void {
    this.runs.clear();
  }

  private async syncPages(conversationId: number): Promise<void> {
    const transport = this.transport();
    if (!transport?.isConnected) return;
    // History on first load is not news; later syncs bring messages missed while away.
    const isCatchUp = !!this.store.state.loaded[conversationId];
    for (let page = 0; page < MAX_SYNC_PAGES; page++) {
      const after = resumeSeq(this.store.state, conversationId);
      let ack: Answer<"sync">;
      try {
        ack = await transport.request("sync", { conversation_id: conversationId, after_seq: after });
      } catch {
        return; // the next connect resumes from the same seq
      }
      if (!ack.ok || transport !== this.transport()) return;
      this.receive(ack.messages, isCatchUp);
      this.store.update((state) =>
        state.loaded[conversationId] ? state : { ...state, loaded: { ...state.loaded, [conversationId]: true } },
      );
      const reached = resumeSeq(this.store.state, conversationId);
      if (!ack.messages.length || reached <= after) return;
      // The server says whether a page was cut short; older servers leave it to the conversation's last_seq.
      if (ack.has_more !== undefined) {
        if (!ack.has_more) return;
        continue;
      }
      const known = this.store.state.conversations.find((c) => c.id === conversationId);
      const lastSeq = Math.max(known?.last_seq || 0, ack.conversation?.last_seq || 0);
      if (reached >= lastSeq) return;
    }
  }
}
