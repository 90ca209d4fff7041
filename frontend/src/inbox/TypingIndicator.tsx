import { useTranslation } from "react-i18next";
import { useInboxStore } from "./useInboxStore";
import type { Id } from "../api/types";

export function TypingIndicator({ conversationId, name }: { conversationId: Id; name: string }) {
  const { t } = useTranslation();
  const isTyping = useInboxStore((state) => Boolean(state.visitorTyping[conversationId]));
  return (
    <div className="typing-indicator" role="status" aria-live="polite">
      {isTyping ? t("inbox.typing", { name }) : ""}
    </div>
  );
}
