import { useTranslation } from "react-i18next";
import type { Message } from "../api/types";
import { formatTime } from "../ui/format";
import { AttachmentLinks } from "./AttachmentLinks";
import type { PendingMessage } from "./merge";

/** A stored message. Its content is plain text, always rendered as text. */
export function MessageBubble({
  message,
  senderName,
  isSeen,
}: {
  message: Message;
  senderName: string;
  isSeen: boolean;
}) {
  const { t } = useTranslation();
  if (message.sender_type === "system") {
    return (
      <li className="message system" data-seq={message.seq}>
        <span>{message.content}</span>
      </li>
    );
  }
  return (
    <li className={`message ${message.sender_type} ${message.private ? "private" : ""}`} data-seq={message.seq}>
      <div className="bubble">
        {message.private && <span className="note-label">{t("composer.privateNote")}</span>}
        <span className="sender">{senderName}</span>
        <p className="content">{message.content}</p>
        {message.attachments?.length ? <AttachmentLinks attachments={message.attachments} /> : null}
        <span className="message-meta">
          <time dateTime={message.created_at}>{formatTime(message.created_at)}</time>
          {isSeen && <span className="seen">{t("inbox.seen")}</span>}
        </span>
      </div>
    </li>
  );
}

/** A message not stored yet: sending, or failed with retry. */
export function PendingBubble({
  pending,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const { t } = useTranslation();
  return (
    <li
      className={`message agent pending ${pending.private ? "private" : ""} ${pending.state}`}
      data-client-msg-id={pending.client_msg_id}
    >
      <div className="bubble">
        {pending.private && <span className="note-label">{t("composer.privateNote")}</span>}
        <p className="content">{pending.content}</p>
        {pending.files.length > 0 && (
          <ul className="attachments">
            {pending.files.map((file) => (
              <li key={file.name}>{file.name}</li>
            ))}
          </ul>
        )}
        {pending.state === "sending" ? (
          <span className="message-meta">{t("inbox.sending")}</span>
        ) : (
          <span className="message-meta failed" role="alert">
            {t("inbox.failed", { error: pending.error ?? "" })}{" "}
            <button type="button" className="link-button" onClick={onRetry}>
              {t("common.retry")}
            </button>{" "}
            <button type="button" className="link-button" onClick={onDiscard}>
              {t("inbox.discard")}
            </button>
          </span>
        )}
      </div>
    </li>
  );
}
