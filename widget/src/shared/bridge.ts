/**
 * One end of the postMessage bridge, used by the loader and by the frame.
 *
 * Security: messages are posted to the peer's exact origin (never "*"), and
 * a received message is accepted only when it comes from the peer window
 * *and* the peer origin. The loader learns the frame origin from its own
 * script URL; the frame learns the host origin from its query string.
 */
import { isEnvelope, SOURCE } from "./protocol";

export interface BridgeOptions<In> {
  /** The window we listen on (the loader's page or the frame's window). */
  self: Window;
  /** The peer window, or null while it does not exist yet (lazy iframe). */
  peer: () => Window | null;
  peerOrigin: string;
  onMessage: <K extends keyof In & string>(type: K, payload: In[K]) => void;
}

export interface Bridge<Out> {
  /** Posts now when open, otherwise keeps the message until `open()`. */
  send<K extends keyof Out & string>(type: K, payload: Out[K]): void;
  /** Marks the peer as listening and flushes what was queued, in order. */
  open(): void;
}

export function createBridge<In, Out>(options: BridgeOptions<In>): Bridge<Out> {
  const { self, peer, peerOrigin, onMessage } = options;
  let isOpen = false;
  let queue: [string, unknown][] = [];

  const post = (type: string, payload: unknown) => {
    const target = peer();
    if (target) target.postMessage({ source: SOURCE, type, payload }, peerOrigin);
  };

  self.addEventListener("message", (event) => {
    const target = peer();
    if (!target || event.source !== target || event.origin !== peerOrigin) return;
    if (!isEnvelope(event.data)) return;
    onMessage(event.data.type as keyof In & string, event.data.payload as never);
  });

  return {
    send(type, payload) {
      if (isOpen) post(type, payload);
      else queue.push([type, payload]);
    },
    open() {
      isOpen = true;
      const pending = queue;
      queue = [];
      for (const [type, payload] of pending) post(type, payload);
    },
  };
}
