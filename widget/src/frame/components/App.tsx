import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { normalizeColor, readableTextColor } from "../../shared/color";
import { needsPrechat } from "../away";
import type { ChatClient } from "../chat";
import { AppContext, useStoreState, type Host } from "../context";
import { resolveLocale, translator, type Locale } from "../i18n";
import { readJson, writeJson } from "../storage";
import type { Store } from "../store";
import { ConnectionBanner } from "./ConnectionBanner";
import { ConversationList } from "./ConversationList";
import { ConversationView } from "./ConversationView";
import { Header } from "./Header";
import { PrechatForm } from "./PrechatForm";

interface Props {
  store: Store;
  client: ChatClient;
  host: Host;
  projectKey: string;
  /** Set by the host page with LiveChat.setLocale(); wins over the browser. */
  preferredLocale: string | null;
  onLocale(locale: Locale): void;
}

export function App({ store, client, host, projectKey, preferredLocale, onLocale }: Props) {
  const state = useStoreState(store);
  const session = state.session;
  const locale = resolveLocale([preferredLocale, ...navigator.languages, session?.config.locale]);
  const t = useMemo(() => translator(locale), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
    onLocale(locale);
  }, [locale]);

  const prechatKey = session ? `livechat:${projectKey}:${session.visitor.id}:prechat` : "";
  const [prechatDone, setPrechatDone] = useState<Record<string, boolean>>({});
  const isPrechatDone = prechatDone[prechatKey] ?? readJson(prechatKey, false);
  const hasHistory = state.conversations.length > 0 || state.unsent.length > 0;
  // Until the first conversation list we do not know whether a returning visitor has history.
  const showPrechat =
    !!session &&
    state.view === "chat" &&
    state.isListed &&
    needsPrechat(session.config, session.visitor, hasHistory, isPrechatDone);

  // Focus management: when the window opens or the screen changes, put focus
  // where the visitor will act (the message box, the first field, the list).
  const root = useRef<HTMLDivElement>(null);
  // The session may arrive after the host opened the window: nothing was drawn to focus then.
  const screen = `${!!session}:${state.isOpen}:${state.view}:${state.currentId}:${showPrechat}`;
  useEffect(() => {
    if (state.isOpen) root.current?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, [screen]);

  if (!session) return null;
  const color = normalizeColor(session.config.color);
  const theme = { "--c": color, "--f": readableTextColor(color) } as Record<string, string>;

  const finishPrechat = () => {
    writeJson(prechatKey, true);
    setPrechatDone({ ...prechatDone, [prechatKey]: true });
  };

  return (
    <AppContext.Provider value={{ state, client, host, t, locale }}>
      <div
        class="lc-app"
        ref={root}
        style={theme}
        role="dialog"
        aria-labelledby="lc-title"
        onKeyDown={(event) => {
          if (event.key === "Escape") host.close();
        }}
      >
        <Header />
        <ConnectionBanner />
        {state.view === "list" ? (
          <ConversationList />
        ) : showPrechat ? (
          <PrechatForm onDone={finishPrechat} />
        ) : (
          <ConversationView />
        )}
      </div>
    </AppContext.Provider>
  );
}
