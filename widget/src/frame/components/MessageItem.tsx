import type { Message } from "../../shared/types";
import { useApp } from "../context";
import { formatTime } from "../format";
import type { OutgoingMessage } from "../store";
import { Attachments } from "./Attachments";
import { Avatar } from "./Avatar";
import { MessageText } from "./MessageText";

interface StoredProps {
  message: Message;
  /** First of a run from the same sender: show who is speaking. */
  showSender: boolean;
  /** "Sent" / "Seen" under the visitor's latest message. */
  receipt?: string;
}

export function MessageItem({ message, showSender, receipt }: StoredProps) {
  const { t, locale } = useApp();
  const isMine = message.sender_type === "visitor";
  const name = isMine ? t("you") : message.sender?.name || t("team");
  return (
    <div class={`lc-msg lc-${message.sender_type}`}>
      {showSender && message.sender_type === "agent" ? (
        <div class="lc-sender">
          <Avatar agent={message.sender || undefined} />
          <span>{name}</span>
        </div>
      ) : (
        // Screen readers still hear who wrote each message.
        <span class="lc-sr">{name}: </span>
      )}
      <div class="lc-bubble">
        {message.content && <MessageText text={message.content} />}
        <Attachments attachments={message.attachments} />
      </div>
      <div class="lc-meta">
        <time dateTime={message.created_at}>{formatTime(message.created_at, locale)}</time>
        {receipt && <span> · {receipt}</span>}
      </div>
    </div>
  );
}

/** A message the visitor wrote that the server has not stored yet. */
export function OutgoingItem({ message }: { message: OutgoingMessage }) {
  const { t, client, state } = useApp();
  const status =
    message.status === "failed"
      ? t("failed", { reason: message.error || t("error") })
      : state.connection === "online"
        ? t("sending")
        : t("waiting");
  return (
    <div class={`lc-msg lc-visitor lc-${message.status}`}>
      <span class="lc-sr">{t("you")}: </span>
      <div class="lc-bubble">
        {message.content && <MessageText text={message.content} />}
        <Attachments attachments={message.attachments} />
      </div>
      <div class="lc-meta">
        <span>{status}</span>
        {message.status === "failed" && (
          <button type="button" class="lc-link" onClick={() => client.retry(message.client_msg_id)}>
            {t("retry")}
          </button>
        )}
      </div>
    </div>
  );
}
