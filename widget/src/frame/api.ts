/**
 * HTTP calls the frame makes itself. The session call is not here: it must
 * carry the host page's Origin, so the loader makes it.
 */
import type { ApiError, Attachment } from "../shared/types";

export class UploadError extends Error {
  constructor(
    public readonly error: ApiError,
    public readonly status: number,
  ) {
    super(error.message);
  }
}

/**
 * Uploads one file as multipart/form-data (`file` field) and returns the
 * stored attachment, whose id then goes with the message. Failures raise
 * UploadError with the server's error envelope, or a synthetic one.
 */
export async function uploadAttachment(file: File, visitorToken: string): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file, file.name);
  let response: Response;
  try {
    response = await fetch("/api/v1/widget/attachments", {
      method: "POST",
      headers: { Authorization: "Bearer " + visitorToken },
      body: form,
    });
  } catch {
    throw new UploadError({ code: "network_error", message: "network error" }, 0);
  }
  const data = await response.json().catch(() => null);
  // Accept the attachment bare or wrapped as {attachment: {...}}.
  const attachment = data?.attachment ?? data;
  if (response.ok && attachment?.id != null) return attachment as Attachment;
  throw new UploadError(
    data?.error || { code: "http_" + response.status, message: response.statusText || "HTTP " + response.status },
    response.status,
  );
}

/** True for the app's own attachment URLs, which are served only with the visitor token as Bearer. */
export function isOwnAttachment(url: string): boolean {
  try {
    const resolved = new URL(url, location.origin);
    return resolved.origin === location.origin && resolved.pathname.startsWith("/api/v1/attachments/");
  } catch {
    return false;
  }
}

/**
 * Fetches one of the app's attachments with the visitor token in the
 * Authorization header (never in the URL, where it would outlive the page in
 * history, logs and referrers). The caller shows it from a blob URL.
 */
export async function fetchAttachment(url: string, visitorToken: string, signal?: AbortSignal): Promise<Blob> {
  const response = await fetch(url, { headers: { Authorization: "Bearer " + visitorToken }, signal });
  if (!response.ok) throw new Error("HTTP " + response.status);
  return response.blob();
}
