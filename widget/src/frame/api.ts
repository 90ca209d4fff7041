/**
 * HTTP calls the frame makes itself. The session call is not here: it must
 * carry the host page's Origin, so the loader makes it.
 */
import type { ApiError, Attachment } from "../shared/types";

export class UploadError extends Error {
  constructor(public readonly error: ApiError, public readonly status: number) {
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
  throw new UploadError(data?.error || { code: "http_" + response.status, message: response.statusText || "HTTP " + response.status }, response.status);
}

/**
 * Where the visitor can open an attachment. The app serves its own files only
 * to their visitor, and an `<img>` or link cannot send a header: same-origin
 * attachment URLs get the visitor token as `?token=`. Other URLs stay as they are.
 */
export function attachmentUrl(url: string, visitorToken: string | undefined): string {
  let resolved: URL;
  try {
    resolved = new URL(url, location.origin);
  } catch {
    return "";
  }
  if (visitorToken && resolved.origin === location.origin && resolved.pathname.startsWith("/api/v1/attachments/")) {
    resolved.searchParams.set("token", visitorToken);
  }
  return resolved.href;
}
