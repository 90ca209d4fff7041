/**
 * The session call and the visitor token kept in the host page's
 * localStorage. The loader makes this call (not the frame) because the
 * request must carry the host page's Origin: the server checks it against the
 * project's allowed domains and answers 403 `origin_not_allowed` otherwise.
 */
import type { ApiError, Session } from "../shared/types";

export interface SessionRequest {
  project_key: string;
  visitor_token?: string;
  identifier?: string;
  identifier_hash?: string;
  name?: string;
  email?: string;
  attributes?: Record<string, unknown>;
  page: { url: string; title: string; referrer: string };
}

export type SessionOutcome = { ok: true; session: Session } | { ok: false; error: ApiError; isRetryable: boolean };

/** What the host page remembers between visits, per project. */
export interface StoredVisitor {
  token?: string;
  identifier?: string;
}

const storageKey = (projectKey: string) => "livechat:" + projectKey;

export function loadVisitor(projectKey: string): StoredVisitor {
  try {
    return JSON.parse(localStorage.getItem(storageKey(projectKey)) || "{}") as StoredVisitor;
  } catch {
    // Storage blocked or corrupted: behave like a first visit.
    return {};
  }
}

export function saveVisitor(projectKey: string, visitor: StoredVisitor | null): void {
  try {
    if (visitor) localStorage.setItem(storageKey(projectKey), JSON.stringify(visitor));
    else localStorage.removeItem(storageKey(projectKey));
  } catch {
    // Without storage the visitor simply starts afresh on the next page.
  }
}

export async function requestSession(apiOrigin: string, body: SessionRequest): Promise<SessionOutcome> {
  const response = await fetch(apiOrigin + "/api/v1/widget/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  const data = await response?.json().catch(() => null);
  if (response?.ok && data?.visitor_token) return { ok: true, session: data as Session };
  // Status 0: the request never got an answer (offline, DNS, CORS).
  const status = response ? response.status : 0;
  return {
    ok: false,
    error: data?.error || { code: "http_" + status, message: "HTTP " + status },
    isRetryable: !status || status >= 500 || status === 429,
  };
}
