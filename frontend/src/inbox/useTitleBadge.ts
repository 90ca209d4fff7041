import { useEffect } from "react";

/** "(3) Inbox — LiveChat": the unread count in the tab title. */
export function useTitleBadge(unread: number, title: string): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${title} — LiveChat` : `${title} — LiveChat`;
  }, [unread, title]);
  useEffect(() => () => void (document.title = "LiveChat"), []);
}
