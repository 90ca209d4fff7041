import { useApp } from "../context";
import { formatTime } from "../format";
import { unreadLabel } from "../i18n";
import { canStartNew, unreadIn } from "../store";

/** The visitor's conversations, newest first; a new one can start once all are resolved. */
export function ConversationList() {
  const { state, client, t, locale } = useApp();
  return (
    <>
      <div class="lc-main">
        <h2 class="lc-list-title" tabIndex={-1} data-autofocus>
          {t("conversations")}
        </h2>
        {state.conversations.length === 0 && <p class="lc-hint">{t("no_conversations")}</p>}
        <ul class="lc-conversations">
          {state.conversations.map((conversation) => {
            const messages = state.messages[conversation.id] || [];
            const last = messages[messages.length - 1];
            const unread = unreadIn(state, conversation.id);
            return (
              <li key={conversation.id}>
                <button type="button" class="lc-conversation" onClick={() => client.openConversation(conversation.id)}>
                  <span class="lc-preview">{last ? last.content || t("attachment") : ""}</span>
                  <span class="lc-meta">
                    {t(`status_${conversation.status}` as "status_open")} ·{" "}
                    <time dateTime={conversation.last_message_at || conversation.created_at}>
                      {formatTime(conversation.last_message_at || conversation.created_at, locale)}
                    </time>
                  </span>
                  {unread > 0 && (
                    <span class="lc-count">
                      <span aria-hidden="true">{unread}</span>
                      <span class="lc-sr">{unreadLabel(t, unread)}</span>
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
      {canStartNew(state) && (
        <div class="lc-footer">
          <button type="button" class="lc-button" onClick={() => client.startNewConversation()}>
            {t("new_conversation")}
          </button>
        </div>
      )}
    </>
  );
}
