import { useTranslation } from "react-i18next";
import { useInboxStore } from "./useInboxStore";

export function TypingIndicator({ conversationId, name }: { conversationId: string; name: string }) {
  const { t } = useTranslation();
  const isTyping = useInboxStore((state) => Boolean(state.visitorTyping[conversationId]));
  return (
    <div className="typing-indicator" role="status" aria-live="polite">
      {isTyping ? t("inbox.typing", { name }) : ""}
    </div>
  );
}
