import type { Id } from "../api/types";

/** A random UUID v4 for client_msg_id; crypto.randomUUID exists only in secure contexts. */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // Version 4 and the RFC 4122 variant.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An id read from a URL (route params are text): the positive integer it spells, or null. */
export function parseId(text: string | null | undefined): Id | null {
  return text && /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : null;
}
