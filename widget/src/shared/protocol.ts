/**
 * The typed postMessage protocol between the host page (loader) and the
 * chat frame. Every message is `{source: "livechat", type, payload}`; the
 * maps below give the payload of each type in each direction.
 */
import type { Message, Session } from "./types";

export const SOURCE = "livechat";

/** Visitor details collected by the pre-chat or away form. */
export interface IdentifyPayload {
  name?: string;
  email?: string;
  attributes?: Record<string, string>;
}

/** Loader → frame. */
export interface HostToFrame {
  /** A (new or refreshed) session; a different token means a different visitor. */
  session: Session;
  /** The host opened or closed the chat window. */
  visibility: { open: boolean };
  locale: { code: string };
  /** Answer to the frame's `identify`. */
  identified: { error: string | null };
}

/** Frame → loader. */
export interface FrameToHost {
  /** The frame listens; the loader may now send what it queued. */
  ready: null;
  /** The visitor asked to close the window (close button or Escape). */
  close: null;
  /** Unread count for the badge, plus translated texts for the launcher's accessible name and the iframe title. */
  launcher: { unread: number; label: string; title: string };
  /** A message from an agent arrived (fed to `LiveChat.on("message")`). */
  message: Message;
  /** Update the visitor through the session endpoint (the loader owns that call). */
  identify: IdentifyPayload;
  /** The socket refused the visitor token: ask the loader for a new session. */
  refresh: null;
}

export interface Envelope<T extends string = string, P = unknown> {
  source: typeof SOURCE;
  type: T;
  payload: P;
}

/** True when `data` is one of our messages (other scripts on the page use postMessage too). */
export function isEnvelope(data: unknown): data is Envelope {
  return (data as Envelope | null)?.source === SOURCE;
}
