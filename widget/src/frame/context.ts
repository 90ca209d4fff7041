/** What every component needs, passed once through Preact context instead of through every prop list. */
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { IdentifyPayload } from "../shared/protocol";
import type { ChatClient } from "./chat";
import type { Translate } from "./i18n";
import type { ChatState, Store } from "./store";

/** The host page, as the frame's components may use it. */
export interface Host {
  /** Asks the loader to close the chat window. */
  close(): void;
  /** Updates the visitor through the loader's session call; resolves to an error message or null. */
  identify(details: IdentifyPayload): Promise<string | null>;
}

export interface AppContextValue {
  state: ChatState;
  client: ChatClient;
  host: Host;
  t: Translate;
  locale: string;
}

export const AppContext = createContext<AppContextValue>(null as unknown as AppContextValue);

export const useApp = () => useContext(AppContext);

/** Re-renders on every store change. */
export function useStoreState(store: Store): ChatState {
  const [state, setState] = useState(store.state);
  useEffect(() => {
    setState(store.state);
    return store.subscribe(setState);
  }, [store]);
  return state;
}
