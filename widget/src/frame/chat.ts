/**
 * The chat controller: connects the store to the server. It owns the
 * transport and the offline queue, resumes by seq after every (re)connect
 * (`sync.ts`), and turns UI intents (send, retry, typing, open a
 * conversation) into socket calls; typing both ways is `typing.ts`.
 */
import type { Attachment, Conversation, Message, Session, WidgetRequests } from "../shared/types";
import { OfflineQueue, type QueuedMessage, type SendResult } from "./offline-queue";
import { readJson, readMovedJson, writeJson } from "./storage";
import {
  addOutgoing,
  adoptNewConversation,
  initialState,
  lastSeq,
  pickInitialConversation,
  receiveConversations,
  receiveMessages,
  setAgentRead,
  setVisitorRead,
  updateOutgoing,
  type Connection,
  type OutgoingMessage,
  type Store,
} from "./store";
import { ConversationSync } from "./sync";
import type { Transport } from "./transport";
import { Typing } from "./typing";

/** Delay before resending a message whose ack did not come while still connected. */
const RETRY_UNANSWERED_MS = 5_000;
/** Where a visitor's unsent messages wait across page loads (earlier versions said "outbox"). */
const UNSENT_KEY = "unsent";
const OLD_UNSENT_KEY = "outbox";

export interface ChatOptions {
  store: Store;
  projectKey: string;
  connect(session: Session): Transport;
  /** A new agent message arrived live (not history): tell the host page. */
  onAgentMessage(message: Message): void;
  /** The server refused the token: ask the loader for a fresh session. */
  onTokenRefused(): void;
  isPageVisible?(): boolean;
}

export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ChatClient {
  private transport: Transport | null = null;
  private queue: OfflineQueue | null = null;
  private visitorKey = "";
  private hasPickedConversation = false;
  private conversationSync: ConversationSync;
  private typingIndicators: Typing;
  /** Consecutive refusals of the token, to space out requests for a new one. */
  private refusals = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private options: ChatOptions) {
    this.conversationSync = new ConversationSync(
      options.store,
      () => this.transport,
      (messages, isNews) => this.receive(messages, isNews),
    );
    this.typingIndicators = new Typing(options.store, (payload) => this.transport?.emit("typing", payload));
    // Marking messages as read depends on what is on screen: check after every change.
    options.store.subscribe(() => this.markSeen());
    // The browser knows about a lost network long before the socket's ping times out.
    window.addEventListener("offline", () => this.transport && this.setConnection("offline"));
    window.addEventListener("online", () => {
      if (!this.transport) return;
      if (this.transport.isConnected) this.setConnection("online");
      else this.transport.reconnect();
    });
  }

  private get store() {
    return this.options.store;
  }

  /**
   * Takes a session from the loader. Same visitor: keep everything and, if
   * the token changed, reconnect with it. Another visitor (reset, other
   * user): forget everything first.
   */
  start(session: Session): void {
    const previous = this.store.state.session;
    if (previous && previous.visitor.id === session.visitor.id) {
      this.store.update((state) => ({ ...state, session }));
      // After a refusal, try again even with the same token: the refusal may have been transient.
      if (previous.visitor_token !== session.visitor_token || this.refusals)
        this.transport?.reconnect(this.auth(session));
      return;
    }
    if (previous) this.stop();

    this.visitorKey = `livechat:${this.options.projectKey}:${session.visitor.id}:`;
    const saved = readMovedJson<OutgoingMessage[]>(this.visitorKey + UNSENT_KEY, this.visitorKey + OLD_UNSENT_KEY, []);
    const isOpen = this.store.state.isOpen;
    this.store.update(() => ({
      ...initialState(),
      isOpen,
      session,
      // Messages written offline on an earlier page wait again, as pending.
      unsent: saved.map((item) => ({ ...item, status: "pending" as const })),
      visitorReadSeq: readJson(this.visitorKey + "read", {}),
    }));

    // The queue and the handlers are bound to this visitor's transport: after a
    // reset, late answers of the old one must not reach the new visitor's state.
    const transport = (this.transport = this.options.connect(session));
    const isCurrent = () => this.transport === transport;
    this.queue = new OfflineQueue(
      {
        send: (item) => this.sendNow(transport, item),
        isOnline: () => isCurrent() && transport.isConnected,
        onStored: (item, message) => isCurrent() && this.stored(item, message),
        onRefused: (item, error) =>
          isCurrent() &&
          this.store.update((state) =>
            updateOutgoing(state, item.client_msg_id, { status: "failed", error: error.message }),
          ),
        save: (items) => {
          if (!isCurrent()) return;
          const waiting = new Set(items.map((item) => item.client_msg_id));
          writeJson(
            this.visitorKey + UNSENT_KEY,
            this.store.state.unsent.filter((o) => waiting.has(o.client_msg_id)),
          );
        },
      },
      saved.map(toQueued),
    );

    transport.on("connect", () => {
      this.refusals = 0;
      this.setConnection("online");
      this.resume();
    });
    transport.on("disconnect", () => this.setConnection(navigator.onLine === false ? "offline" : "reconnecting"));
    transport.on("refused", () => {
      this.setConnection("reconnecting");
      // 1 s, 2 s, 4 s … up to a minute, so a lasting refusal does not hammer the server.
      const delay = Math.min(60_000, 1000 * 2 ** this.refusals++);
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => this.options.onTokenRefused(), delay);
    });
    transport.on("message:new", (event) => this.receiveLive(event.message));
    transport.on("conversation:updated", (event) => this.conversationUpdated(event.conversation));
    transport.on("typing", (event) => this.typingIndicators.agentTyping(event));
    transport.on("read", (event) => {
      this.store.update((state) =>
        event.reader_type === "visitor"
          ? setVisitorRead(state, event.conversation_id, event.seq) // read in another tab
          : setAgentRead(state, event.conversation_id, event.seq),
      );
    });
  }

  /** Closes the connection; the state stays until the next `start`. */
  stop(): void {
    this.transport?.close();
    this.transport = null;
    this.queue = null;
    this.hasPickedConversation = false;
    this.refusals = 0;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.flushTimer);
    this.typingIndicators.reset();
    this.conversationSync.reset();
  }

  /** Sends a message (optimistically shown at once; queued while offline). */
  send(content: string, attachments: Attachment[] = []): void {
    const state = this.store.state;
    const outgoing: OutgoingMessage = {
      client_msg_id: newClientMsgId(),
      conversation_id: state.currentId,
      // The server refuses NUL characters (PostgreSQL text cannot hold them): a retry would fail forever.
      content: content.replace(/\0/g, ""),
      attachments,
      created_at: new Date().toISOString(),
      status: "pending",
    };
    this.store.update((s) => addOutgoing(s, outgoing));
    this.typing(false);
    this.queue?.enqueue(toQueued(outgoing)).then(() => this.retryUnanswered());
  }

  /** Sends a refused message again, with the same client_msg_id so it cannot be stored twice. */
  retry(clientMsgId: string): void {
    const outgoing = this.store.state.unsent.find((o) => o.client_msg_id === clientMsgId);
    if (!outgoing) return;
    this.store.update((state) => updateOutgoing(state, clientMsgId, { status: "pending", error: undefined }));
    this.queue?.enqueue(toQueued(outgoing)).then(() => this.retryUnanswered());
  }

  /** Called on every keystroke (true) and on send or blur (false); throttled in `typing.ts`. */
  typing(isTyping: boolean): void {
    this.typingIndicators.visitorTyping(isTyping);
  }

  openConversation(id: number): void {
    this.store.update((state) => ({ ...state, view: "chat", currentId: id }));
    if (!this.store.state.loaded[id]) void this.conversationSync.sync(id);
  }

  /** A new conversation is created by its first message (lazy creation). */
  startNewConversation(): void {
    this.store.update((state) => ({ ...state, view: "chat", currentId: null }));
  }

  showList(): void {
    this.store.update((state) => ({ ...state, view: "list" }));
  }

  setOpen(isOpen: boolean): void {
    this.store.update((state) => (state.isOpen === isOpen ? state : { ...state, isOpen }));
  }

  /** Marks what is on screen as read, locally and for the agents (read receipts). */
  markSeen(): void {
    const state = this.store.state;
    const id = state.currentId;
    const isVisible = this.options.isPageVisible
      ? this.options.isPageVisible()
      : document.visibilityState === "visible";
    if (!state.isOpen || state.view !== "chat" || id === null || !isVisible) return;
    const seq = lastSeq(state, id);
    if (seq <= (state.visitorReadSeq[id] || 0)) return;
    this.store.update((s) => setVisitorRead(s, id, seq));
    writeJson(this.visitorKey + "read", this.store.state.visitorReadSeq);
    this.transport?.emit("read", { conversation_id: id, seq });
  }

  private auth(session: Session) {
    return { project_key: this.options.projectKey, visitor_token: session.visitor_token };
  }

  private setConnection(connection: Connection) {
    this.store.update((state) => (state.connection === connection ? state : { ...state, connection }));
  }

  /**
   * After every (re)connect: refresh the conversation list, fetch whatever
   * was missed in each conversation after the last seq we hold, then send
   * what was written offline, in order.
   */
  private async resume(): Promise<void> {
    const transport = this.transport;
    try {
      const ack = await transport!.request("conversations:list");
      if (ack.ok) this.store.update((state) => ({ ...receiveConversations(state, ack.conversations), isListed: true }));
    } catch {
      // Lost with the connection: the next "connect" resumes again.
    }
    if (transport !== this.transport) return;
    if (!this.hasPickedConversation) {
      this.hasPickedConversation = true;
      this.store.update((state) => ({ ...state, currentId: state.currentId ?? pickInitialConversation(state) }));
    }
    await this.conversationSync.syncMissed();
    await this.queue?.flush();
    this.retryUnanswered();
  }

  /**
   * A send that got no answer while the connection stayed up (a slow server)
   * is tried again a little later; after a disconnection, "connect" does it.
   */
  private retryUnanswered() {
    clearTimeout(this.flushTimer);
    if (!this.queue?.pending.length || !this.transport?.isConnected) return;
    this.flushTimer = setTimeout(() => this.queue?.flush().then(() => this.retryUnanswered()), RETRY_UNANSWERED_MS);
  }

  private receive(messages: Message[], isNews: boolean) {
    const before = this.store.state;
    this.store.update((state) => receiveMessages(state, messages));
    if (!isNews) return;
    for (const message of messages) {
      const known = before.messages[message.conversation_id]?.some((m) => m.seq === message.seq);
      if (!known && message.sender_type === "agent" && !message.private) this.options.onAgentMessage(message);
    }
  }

  private receiveLive(message: Message) {
    this.receive([message], true);
    if (message.sender_type === "agent") this.typingIndicators.agentSent(message.conversation_id);
    // seq is gap-free per conversation: a hole before this message means we missed something.
    this.conversationSync.syncIfBehind(message.conversation_id, message.seq);
  }

  private conversationUpdated(conversation: Conversation) {
    this.store.update((state) => receiveConversations(state, [conversation]));
    this.conversationSync.syncIfBehind(conversation.id, conversation.last_seq);
  }

  private async sendNow(transport: Transport, item: QueuedMessage): Promise<SendResult> {
    const payload: WidgetRequests["message:send"] = { client_msg_id: item.client_msg_id, content: item.content };
    if (item.conversation_id !== null) payload.conversation_id = item.conversation_id;
    if (item.attachment_ids?.length) payload.attachment_ids = item.attachment_ids;
    try {
      const ack = await transport.request("message:send", payload);
      if (ack.ok) return { ok: true, message: ack.message };
      return { ok: false, error: ack.error || { code: "unknown", message: "refused" } };
    } catch {
      return { ok: false, isLost: true };
    }
  }

  private stored(item: QueuedMessage, message: Message) {
    this.store.update((state) => {
      const next = receiveMessages(state, [message]);
      return item.conversation_id === null ? adoptNewConversation(next, message.conversation_id) : next;
    });
  }
}

function toQueued(outgoing: OutgoingMessage): QueuedMessage {
  const ids = outgoing.attachments.map((a) => a.id);
  return {
    client_msg_id: outgoing.client_msg_id,
    content: outgoing.content,
    conversation_id: outgoing.conversation_id,
    ...(ids.length ? { attachment_ids: ids } : {}),
  };
}
