import { api } from "../api/client";
import type {
  CannedInput,
  CannedPatch,
  CannedResponse,
  Id,
  Page,
  Screenshot,
  VisitorNote,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookEvent,
  WebhookInput,
  WebhookPatch,
  WebhookSecret,
} from "../api/types";

const base = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}`;
const visitorBase = (projectId: Id, visitorId: Id) =>
  `${base(projectId)}/visitors/${encodeURIComponent(String(visitorId))}`;

/** Every event a webhook can subscribe to, in the order shown: a record, so the compiler checks it against the server's list. */
const WEBHOOK_EVENT_ORDER: Record<WebhookEvent, true> = {
  "message.created": true,
  "message.private_created": true,
  "conversation.created": true,
  "conversation.updated": true,
  "conversation.status_changed": true,
  "conversation.assigned": true,
  "visitor.created": true,
  "visitor.updated": true,
};
export const WEBHOOK_EVENTS = Object.keys(WEBHOOK_EVENT_ORDER) as WebhookEvent[];

export type { CannedInput };

export const cannedApi = {
  list: (projectId: Id, q?: string) =>
    api.get<Page<CannedResponse>>(`${base(projectId)}/canned-responses`, { limit: 200, q: q || undefined }),
  create: (projectId: Id, body: CannedInput) => api.post<CannedResponse>(`${base(projectId)}/canned-responses`, body),
  update: (projectId: Id, id: Id, body: CannedPatch) =>
    api.patch<CannedResponse>(`${base(projectId)}/canned-responses/${id}`, body),
  remove: (projectId: Id, id: Id) => api.delete(`${base(projectId)}/canned-responses/${id}`),
};

export const notesApi = {
  list: (projectId: Id, visitorId: Id) =>
    api.get<Page<VisitorNote>>(`${visitorBase(projectId, visitorId)}/notes`, { limit: 200 }),
  create: (projectId: Id, visitorId: Id, content: string) =>
    api.post<VisitorNote>(`${visitorBase(projectId, visitorId)}/notes`, { content }),
  update: (projectId: Id, visitorId: Id, noteId: Id, content: string) =>
    api.patch<VisitorNote>(`${visitorBase(projectId, visitorId)}/notes/${noteId}`, { content }),
  remove: (projectId: Id, visitorId: Id, noteId: Id) =>
    api.delete(`${visitorBase(projectId, visitorId)}/notes/${noteId}`),
};

export const screenshotsApi = {
  request: (projectId: Id, visitorId: Id) => api.post<Screenshot>(`${visitorBase(projectId, visitorId)}/screenshots`),
  get: (projectId: Id, visitorId: Id, id: Id) =>
    api.get<Screenshot>(`${visitorBase(projectId, visitorId)}/screenshots/${id}`),
  /** The PNG, fetched with the bearer token (never a token in the URL). */
  image: (imageUrl: string) => api.blob(imageUrl.replace(/^\/api\/v1/, "")),
};

export const webhooksApi = {
  list: (projectId: Id) => api.get<Page<Webhook>>(`${base(projectId)}/webhooks`, { limit: 100 }),
  create: (projectId: Id, body: WebhookInput) => api.post<Webhook>(`${base(projectId)}/webhooks`, body),
  update: (projectId: Id, id: Id, body: WebhookPatch) => api.patch<Webhook>(`${base(projectId)}/webhooks/${id}`, body),
  remove: (projectId: Id, id: Id) => api.delete(`${base(projectId)}/webhooks/${id}`),
  rotate: (projectId: Id, id: Id) => api.post<WebhookSecret>(`${base(projectId)}/webhooks/${id}/rotate-secret`),
  test: (projectId: Id, id: Id) => api.post<WebhookDelivery>(`${base(projectId)}/webhooks/${id}/test`),
  deliveries: (projectId: Id, id: Id) =>
    api.get<Page<WebhookDeliveryAttempt>>(`${base(projectId)}/webhooks/${id}/deliveries`, { limit: 50 }),
  redeliver: (projectId: Id, id: Id, deliveryId: Id) =>
    api.post<WebhookDelivery>(`${base(projectId)}/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
};
