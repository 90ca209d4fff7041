import type { Attachment } from "../../shared/types";
import { attachmentUrl } from "../api";
import { useApp } from "../context";
import { formatBytes } from "../format";
import { safeHref } from "../linkify";

/** Files attached to a message: images as previews, the rest as download links. */
export function Attachments({ attachments }: { attachments: Attachment[] | undefined }) {
  const { t, state } = useApp();
  if (!attachments?.length) return null;
  return (
    <ul class="lc-attachments">
      {attachments.map((attachment, index) => {
        // Relative URLs are the app's own; anything that is not http(s) is not shown as a link.
        const href = attachment.url ? safeHref(attachmentUrl(attachment.url, state.session?.visitor_token)) : null;
        const name = attachment.name || t("attachment");
        if (!href) return <li key={index}>{name}</li>;
        return (
          <li key={index}>
            <a href={href} target="_blank" rel="noopener noreferrer" download={attachment.name || true}>
              {attachment.content_type?.startsWith("image/") ? (
                <img src={href} alt={name} class="lc-image" loading="lazy" />
              ) : (
                <span>
                  {name}
                  {attachment.size ? ` (${formatBytes(attachment.size)})` : ""}
                </span>
              )}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
