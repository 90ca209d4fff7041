/**
 * The chat frame, served by the app at /widget/frame?project_key=…&host_origin=…
 *
 * It talks only to its parent window, and only when the parent's origin is
 * the `host_origin` it was opened with (the server's CSP frame-ancestors
 * decides which pages may embed it at all). It receives the session from the
 * loader, connects the socket, and reports the unread count back.
 */
import { render } from "preact";
import { createBridge } from "../shared/bridge";
import type { FrameToHost, HostToFrame, IdentifyPayload } from "../shared/protocol";
import { ChatClient } from "./chat";
import { App } from "./components/App";
import type { Host } from "./context";
import { translator, unreadLabel, type Locale } from "./i18n";
import { connectSocket } from "./socket";
import { Store, unreadCount } from "./store";
import "./styles.css";

/** The origin in the query string, normalised; null when missing or opaque. */
function hostOriginFrom(params: URLSearchParams): string | null {
  try {
    const origin = new URL(params.get("host_origin") || "").origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

function boot(projectKey: string, hostOrigin: string) {
  const store = new Store();
  let preferredLocale: string | null = null;
  let locale: Locale = "en";
  let identifyWaiters: ((error: string | null) => void)[] = [];

  const bridge = createBridge<HostToFrame, FrameToHost>({
    self: window,
    peer: () => window.parent,
    peerOrigin: hostOrigin,
    onMessage(type, payload) {
      if (type === "session") client.start(payload as HostToFrame["session"]);
      else if (type === "visibility") client.setOpen((payload as HostToFrame["visibility"]).open);
      else if (type === "locale") {
        preferredLocale = (payload as HostToFrame["locale"]).code;
        draw();
      } else if (type === "identified") {
        const waiters = identifyWaiters;
        identifyWaiters = [];
        waiters.forEach((resolve) => resolve((payload as HostToFrame["identified"]).error));
      }
    },
  });

  const client = new ChatClient({
    store,
    projectKey,
    connect: (session) => connectSocket({ project_key: projectKey, visitor_token: session.visitor_token }),
    onAgentMessage: (message) => bridge.send("message", message),
    onTokenRefused: () => bridge.send("refresh", null),
  });

  const host: Host = {
    close: () => bridge.send("close", null),
    identify: (details: IdentifyPayload) =>
      new Promise((resolve) => {
        identifyWaiters.push(resolve);
        bridge.send("identify", details);
      }),
  };

  // Mirror the unread count (and translated labels) on the launcher, only when they change.
  let lastLauncher = "";
  const updateLauncher = () => {
    const t = translator(locale);
    const unread = unreadCount(store.state);
    const launcher = {
      unread,
      label: unread ? `${t("launcher")}, ${unreadLabel(t, unread)}` : t("launcher"),
      title: t("frame_title"),
    };
    const serialized = JSON.stringify(launcher);
    if (serialized !== lastLauncher) {
      lastLauncher = serialized;
      bridge.send("launcher", launcher);
    }
  };
  store.subscribe(updateLauncher);

  const onLocale = (next: Locale) => {
    locale = next;
    updateLauncher();
  };

  // Read receipts wait for the page to be visible; re-check when it becomes so.
  document.addEventListener("visibilitychange", () => client.markSeen());

  const app = document.getElementById("app")!;
  const draw = () =>
    render(
      <App
        store={store}
        client={client}
        host={host}
        projectKey={projectKey}
        preferredLocale={preferredLocale}
        onLocale={onLocale}
      />,
      app,
    );
  draw();

  bridge.open();
  bridge.send("ready", null);
}

const params = new URLSearchParams(location.search);
const projectKey = params.get("project_key");
const hostOrigin = hostOriginFrom(params);
// Where the browser tells us who embeds us (Chromium, Safari), it must be the origin we were given.
const embedder = location.ancestorOrigins?.[0];

if (projectKey && hostOrigin && window.parent !== window && (!embedder || embedder === hostOrigin)) {
  boot(projectKey, hostOrigin);
}
