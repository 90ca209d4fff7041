import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";
import type { Attachment } from "../api/types";
import { formatBytes } from "../ui/format";

/** Only http(s) and same-site links become clickable: never javascript: or data: URLs. */
export function safeUrl(url: string): string | null {
  return /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : null;
}

/**
 * Attachments are served only with the agent's bearer token, which a plain
 * `<img src>` or link cannot send: images are fetched with it and shown from a
 * blob URL, other files are fetched the same way when clicked.
 */
function useImageUrl(apiPath: string | null): { url: string | null; error: string | null } {
  const [state, setState] = useState<{ url: string | null; error: string | null }>({ url: null, error: null });
  useEffect(() => {
    if (!apiPath) return;
    const controller = new AbortController();
    let objectUrl: string | null = null;
    api
      .blob(apiPath, controller.signal)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setState({ url: objectUrl, error: null });
      })
      .catch((error) => {
        if (!controller.signal.aborted) setState({ url: null, error: errorMessage(error) });
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [apiPath]);
  return state;
}

function ImageAttachment({ attachment, apiPath }: { attachment: Attachment; apiPath: string }) {
  const { url, error } = useImageUrl(apiPath);
  return (
    <>
      {url ? (
        <a href={url} target="_blank" rel="noopener noreferrer" download={attachment.name}>
          <img src={url} alt={attachment.name} className="attachment-thumb" />
          {attachment.name}
        </a>
      ) : (
        <span title={error ?? undefined}>{attachment.name}</span>
      )}{" "}
      <span className="muted small">{formatBytes(attachment.size)}</span>
    </>
  );
}

function FileAttachment({ attachment, apiPath }: { attachment: Attachment; apiPath: string }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const url = URL.createObjectURL(await api.blob(apiPath));
      const link = document.createElement("a");
      link.href = url;
      link.download = attachment.name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  return (
    <>
      <button type="button" className="link-button" onClick={() => void download()}>
        {attachment.name}
      </button>{" "}
      <span className="muted small">{formatBytes(attachment.size)}</span>
      {error && (
        <span className="muted small" role="alert">
          {" "}
          {error}
        </span>
      )}
    </>
  );
}

export function AttachmentLinks({ attachments }: { attachments: Attachment[] }) {
  return (
    <ul className="attachments">
      {attachments.map((attachment) => {
        const apiPath = api.apiPathOf(attachment.url);
        const url = safeUrl(attachment.url);
        let body;
        if (apiPath && attachment.content_type.startsWith("image/")) {
          body = <ImageAttachment attachment={attachment} apiPath={apiPath} />;
        } else if (apiPath) {
          body = <FileAttachment attachment={attachment} apiPath={apiPath} />;
        } else {
          // Not this API's file: a plain link, and the agent's token is never sent elsewhere.
          body = (
            <>
              {url ? (
                <a href={url} target="_blank" rel="noopener noreferrer">
                  {attachment.name}
                </a>
              ) : (
                attachment.name
              )}{" "}
              <span className="muted small">{formatBytes(attachment.size)}</span>
            </>
          );
        }
        return <li key={String(attachment.id)}>{body}</li>;
      })}
    </ul>
  );
}
