import { useEffect, useState } from "preact/hooks";
import type { Attachment } from "../../shared/types";
import { fetchAttachment, isOwnAttachment } from "../api";
import { useApp } from "../context";
import { formatBytes } from "../format";
import { safeHref } from "../linkify";

/** Files attached to a message: images as previews, the rest as download links. */
export function Attachments({ attachments }: { attachments: Attachment[] | undefined }) {
  const { t, state } = useApp();
  if (!attachments?.length) return null;
  const token = state.session?.visitor_token;
  return (
    <ul class="lc-attachments">
      {attachments.map((attachment, index) => {
        const name = attachment.name || t("attachment");
        const url = attachment.url || "";
        let body;
        if (token && isOwnAttachment(url)) body = <OwnAttachment attachment={attachment} name={name} token={token} />;
        else {
          // Anything else is a plain link, and only when it is http(s).
          const href = url ? safeHref(url) : null;
          body = href ? (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {name}
            </a>
          ) : (
            name
          );
        }
        return <li key={index}>{body}</li>;
      })}
    </ul>
  );
}

const isImage = (attachment: Attachment) => !!attachment.content_type?.startsWith("image/");

/**
 * One of the app's files, fetched with the visitor token as a header and shown
 * from a blob URL: images at once (as a preview), other files when clicked.
 */
function OwnAttachment({ attachment, name, token }: { attachment: Attachment; name: string; token: string }) {
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!isImage(attachment)) return;
    const controller = new AbortController();
    fetchAttachment(attachment.url!, token, controller.signal)
      .then((blob) => setBlobUrl(URL.createObjectURL(blob)))
      .catch(() => !controller.signal.aborted && setFailed(true));
    return () => controller.abort();
  }, [attachment.url, token]);
  useEffect(() => () => void (blobUrl && URL.revokeObjectURL(blobUrl)), [blobUrl]);

  const label = (
    <span>
      {name}
      {attachment.size ? ` (${formatBytes(attachment.size)})` : ""}
    </span>
  );
  if (isImage(attachment)) {
    return blobUrl ? (
      <a href={blobUrl} target="_blank" rel="noopener noreferrer" download={attachment.name || true}>
        <img src={blobUrl} alt={name} class="lc-image" />
      </a>
    ) : (
      <span class={failed ? "lc-error" : undefined}>{label}</span>
    );
  }
  // A file downloads on click: fetched then, and saved under its own name.
  const download = (event: Event) => {
    event.preventDefault();
    setFailed(false);
    fetchAttachment(attachment.url!, token)
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        const save = document.createElement("a");
        save.href = url;
        save.download = attachment.name || "";
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch(() => setFailed(true));
  };
  return (
    <a href={attachment.url} onClick={download} class={failed ? "lc-error" : undefined}>
      {label}
    </a>
  );
}
