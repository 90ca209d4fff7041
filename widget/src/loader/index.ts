/**
 * The embed script: `<script src="https://HOST/widget/loader.js" data-project-key="pk_…" async>`.
 *
 * It asks the server whether this page may show the widget (the session
 * call), draws the launcher, creates the chat iframe lazily (first open or
 * browser idle), relays between the iframe and the page, and exposes
 * `window.LiveChat`. Everything else lives in the iframe: this file must
 * stay under 3 KB gzipped.
 */
import { createBridge } from "../shared/bridge";
import type { FrameToHost, HostToFrame, IdentifyPayload } from "../shared/protocol";
import type { Message, Session } from "../shared/types";
import { createApiQueue } from "./api-queue";
import { createEmitter } from "./emitter";
import { createLauncher, type Launcher } from "./launcher";
import { loadVisitor, requestSession, saveVisitor, type SessionOutcome, type SessionRequest } from "./session";

interface Events {
  ready: undefined;
  open: undefined;
  close: undefined;
  message: Message;
  unread: number;
}

interface UserDetails {
  name?: string;
  email?: string;
  identifier_hash?: string;
}

export interface LiveChatApi {
  open(): void;
  close(): void;
  toggle(): void;
  show(): void;
  hide(): void;
  setUser(identifier: string, details?: UserDetails): void;
  setAttributes(attributes: Record<string, unknown>): void;
  setLocale(code: string): void;
  reset(): void;
  on<K extends keyof Events>(event: K, fn: (payload: Events[K]) => void): () => void;
}

declare global {
  interface Window {
    LiveChat?: LiveChatApi;
  }
}

const script = (document.currentScript ||
  document.querySelector("script[data-project-key]")) as HTMLScriptElement | null;
const projectKey = script?.dataset.projectKey;
const warn = (text: string) => console.warn("LiveChat: " + text);

if (!script || !projectKey) {
  warn("the script tag needs data-project-key");
} else if (!window.LiveChat) {
  boot(script, projectKey);
}

function boot(script: HTMLScriptElement, projectKey: string) {
  // The frame and the API live where loader.js comes from.
  const appOrigin = new URL(script.src).origin;
  const queue = createApiQueue();
  const events = createEmitter<Events>();
  const stored = loadVisitor(projectKey);
  // Visitor details re-sent with every session call so a refresh never forgets them.
  let details: Partial<SessionRequest> = {};

  let session: Session | undefined;
  let launcher: Launcher | undefined;
  let iframe: HTMLIFrameElement | undefined;
  let isOpen = false;
  let isReady = false;
  let locale: string | null = null;
  let sessionCall: Promise<unknown> = Promise.resolve();

  const bridge = createBridge<FrameToHost, HostToFrame>({
    self: window,
    peer: () => iframe?.contentWindow || null,
    peerOrigin: appOrigin,
    onMessage(type, payload) {
      if (type === "ready") {
        // Sent on every (re)load of the frame, which then knows nothing: tell it everything.
        bridge.open();
        pushState();
        // Opened while the frame was loading: Chromium drops focus given to a frame
        // mid-navigation, and the visitor's typing would go to the page. Give it again.
        if (isOpen) {
          iframe!.blur();
          iframe!.focus();
        }
        isReady = true;
        events.emit("ready", undefined);
      } else if (type === "close") {
        setOpen(false);
      } else if (type === "launcher") {
        const { unread, label, title } = payload as FrameToHost["launcher"];
        launcher!.update(unread, label, title);
        events.emit("unread", unread);
      } else if (type === "message") {
        events.emit("message", payload as Message);
      } else if (type === "identify") {
        const identify = payload as IdentifyPayload;
        details = { ...details, ...identify, attributes: { ...details.attributes, ...identify.attributes } };
        refresh().then((outcome) => bridge.send("identified", { error: failure(outcome) }));
      } else if (type === "refresh") {
        refresh();
      }
    },
  });

  function pushState() {
    bridge.send("session", session!);
    bridge.send("visibility", { open: isOpen });
    if (locale) bridge.send("locale", { code: locale });
  }

  function ensureFrame() {
    if (iframe) return;
    const query = new URLSearchParams({ project_key: projectKey, host_origin: location.origin });
    iframe = launcher!.frame(appOrigin + "/widget/frame?" + query, "Chat");
  }

  function setOpen(open: boolean) {
    if (open === isOpen) return;
    isOpen = open;
    if (open) ensureFrame();
    launcher!.setOpen(open);
    bridge.send("visibility", { open });
    if (open) iframe!.focus();
    // Return focus to the launcher when it was inside the widget, never steal it from the page.
    else if (document.activeElement === launcher!.host) launcher!.button.focus();
    events.emit(open ? "open" : "close", undefined);
  }

  /**
   * Starts or refreshes the session, one call at a time so a `setUser` right
   * after boot cannot race the first call. `forget` drops the visitor token.
   */
  function refresh(forget?: boolean): Promise<SessionOutcome> {
    const run = async () => {
      if (forget) stored.token = undefined;
      const outcome = await requestSession(appOrigin, {
        ...details,
        project_key: projectKey,
        visitor_token: stored.token,
        page: { url: location.href, title: document.title, referrer: document.referrer },
      });
      if (outcome.ok) {
        session = outcome.session;
        stored.token = session.visitor_token;
        if (details.identifier) stored.identifier = details.identifier;
        saveVisitor(projectKey, stored);
        if (iframe) bridge.send("session", session);
      }
      return outcome;
    };
    const call = sessionCall.then(run);
    sessionCall = call;
    return call;
  }

  const failure = (outcome: SessionOutcome) => (outcome.ok ? null : outcome.error.message);

  async function start(attempt: number) {
    const outcome = await refresh();
    if (!outcome.ok) {
      const { error, isRetryable } = outcome;
      if (error.code === "origin_not_allowed") {
        queue.drop();
        return warn("this page's origin (" + location.origin + ") is not allowed for this project");
      }
      if (isRetryable && attempt < 5) return setTimeout(() => start(attempt + 1), 2000 * 2 ** attempt);
      queue.drop();
      return warn("could not start: " + error.message);
    }
    // Escape inside the frame closes the window too; the frame sends "close".
    launcher = createLauncher(outcome.session.config, () => setOpen(!isOpen));
    queue.start();
    // Load the frame early (when the page is idle) so unread messages reach the badge.
    const idle = window.requestIdleCallback || ((fn: () => void) => setTimeout(fn, 2000));
    idle(ensureFrame);
  }

  window.LiveChat = {
    open: () => queue.run(() => setOpen(true)),
    close: () => queue.run(() => setOpen(false)),
    toggle: () => queue.run(() => setOpen(!isOpen)),
    show: () => queue.run(() => launcher!.setVisible(true)),
    hide: () => queue.run(() => launcher!.setVisible(false)),
    setUser(identifier, user = {}) {
      queue.run(() => {
        // Another user on this browser must never see the previous user's conversations.
        const isOtherUser = stored.identifier != null && stored.identifier !== identifier;
        details = { ...details, ...user, identifier };
        refresh(isOtherUser).then((outcome) => outcome.ok || warn("setUser: " + failure(outcome)));
      });
    },
    setAttributes(attributes) {
      queue.run(() => {
        details.attributes = { ...details.attributes, ...attributes };
        refresh();
      });
    },
    setLocale(code) {
      queue.run(() => {
        locale = code;
        bridge.send("locale", { code });
      });
    },
    reset() {
      queue.run(() => {
        details = {};
        stored.identifier = undefined;
        saveVisitor(projectKey, null);
        refresh(true);
      });
    },
    on(event, fn) {
      // A page that subscribes to "ready" late still hears it.
      if (event === "ready" && isReady) setTimeout(fn);
      return events.on(event, fn);
    },
  };

  start(0);
}
