import { api } from "../api/client";
import type { CannedResponse, CannedScope, Id, Page, Screenshot, VisitorNote, Webhook, WebhookDeliveryAttempt } from "../api/types";

const base = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}`;
const visitorBase = (projectId: Id, visitorId: Id) => `${base(projectId)}/visitors/${encodeURIComponent(String(visitorId))}`;

/** The events a webhook can subscribe to (the server's list). */
export const WEBHOOK_EVENTS = [
  "message.created",
  "message.private_created",
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.assigned",
  "visitor.created",
  "visitor.updated",
] as const;

export interface CannedInput {
  shortcut: string;
  title: string;
  content: string;
  scope?: CannedScope;
}

export const cannedApi = {
  list: (projectId: Id, q?: string) =>
    api.get<Page<CannedResponse>>(`${base(projectId)}/canned-responses`, { limit: 200, q: q || undefined }),
  create: (projectId: Id, body: CannedInput) => api.post<CannedResponse>(`${base(projectId)}/canned-responses`, body),
  update: (projectId: Id, id: Id, body: Partial<CannedInput>) =>
    api.patch<CannedResponse>(`${base(projectId)}/canned-responses/${id}`, body),
  remove: (projectId: Id, id: Id) => api.delete(`${base(projectId)}/canned-responses/${id}`),
};

export const notesApi = {
  list: (projectId: Id, visitorId: Id) => api.get<Page<VisitorNote>>(`${visitorBase(projectId, visitorId)}/notes`, { limit: 200 }),
  create: (projectId: Id, visitorId: Id, content: string) =>
    api.post<VisitorNote>(`${visitorBase(projectId, visitorId)}/notes`, { content }),
  update: (projectId: Id, visitorId: Id, noteId: Id, content: string) =>
    api.patch<VisitorNote>(`${visitorBase(projectId, visitorId)}/notes/${noteId}`, { content }),
  remove: (projectId: Id, visitorId: Id, noteId: Id) => api.delete(`${visitorBase(projectId, visitorId)}/notes/${noteId}`),
};

export const screenshotsApi = {
  request: (projectId: Id, visitorId: Id) => api.post<Screenshot>(`${visitorBase(projectId, visitorId)}/screenshots`),
  get: (projectId: Id, visitorId: Id, id: Id) => api.get<Screenshot>(`${visitorBase(projectId, visitorId)}/screenshots/${id}`),
  /** The PNG, fetched with the bearer token (never a token in the URL). */
  image: (imageUrl: string) => api.blob(imageUrl.replace(/^\/api\/v1/, "")),
};

export const webhooksApi = {
  list: (projectId: Id) => api.get<Page<Webhook>>(`${base(projectId)}/webhooks`, { limit: 100 }),
  create: (projectId: Id, body: { url: string; events: string[]; description?: string | null }) =>
    api.post<Webhook>(`${base(projectId)}/webhooks`, body),
  update: (projectId: Id, id: Id, body: Partial<Pick<Webhook, "url" | "events" | "description" | "enabled">>) =>
    api.patch<Webhook>(`${base(projectId)}/webhooks/${id}`, body),
  remove: (projectId: Id, id: Id) => api.delete(`${base(projectId)}/webhooks/${id}`),
  rotate: (projectId: Id, id: Id) => api.post<{ secret: string; previous_secret_expires_at: string | null }>(`${base(projectId)}/webhooks/${id}/rotate-secret`),
  test: (projectId: Id, id: Id) => api.post(`${base(projectId)}/webhooks/${id}/test`),
  deliveries: (projectId: Id, id: Id) =>
    api.get<Page<WebhookDeliveryAttempt>>(`${base(projectId)}/webhooks/${id}/deliveries`, { limit: 50 }),
  redeliver: (projectId: Id, id: Id, deliveryId: Id) =>
    api.post(`${base(projectId)}/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
};
