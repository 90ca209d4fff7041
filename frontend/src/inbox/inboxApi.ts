import { api, ApiError } from "../api/client";
import type {
  AgentPresenceList,
  Attachment,
  Conversation,
  ConversationPatch,
  Id,
  Member,
  Message,
  MessagePage,
  NewMessage,
  Page,
  Visitor,
  VisitorPatch,
} from "../api/types";
import type { Query } from "../api/client";
import type { ConversationFilter } from "./merge";

const base = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}`;
const conversationPath = (projectId: Id, conversationId: Id) =>
  `${base(projectId)}/conversations/${encodeURIComponent(String(conversationId))}`;

export interface MessagePageQuery {
  after_seq?: number;
  before_seq?: number;
  limit: number;
}

export type { NewMessage };

/** The inbox's REST calls; the store takes them as a dependency so tests can fake them. */
export interface InboxApi {
  listConversations(projectId: Id, filter: ConversationFilter, cursor: string | null): Promise<Page<Conversation>>;
  getConversation(projectId: Id, conversationId: Id): Promise<Conversation>;
  updateConversation(projectId: Id, conversationId: Id, patch: ConversationPatch): Promise<Conversation>;
  listMessages(projectId: Id, conversationId: Id, query: MessagePageQuery): Promise<MessagePage>;
  postMessage(projectId: Id, conversationId: Id, message: NewMessage): Promise<Message>;
  uploadAttachment(projectId: Id, file: File): Promise<Attachment>;
}

export const CONVERSATION_PAGE = 30;

/**
 * The list's query string. The server reads `assignee=any` as "assigned to
 * someone", so showing every conversation sends no assignee at all.
 */
export function conversationQuery(filter: ConversationFilter, cursor: string | null): Query {
  return {
    status: filter.status === "all" ? undefined : filter.status,
    assignee: filter.assignee === "all" ? undefined : filter.assignee,
    q: filter.q.trim() || undefined,
    cursor,
    limit: CONVERSATION_PAGE,
  };
}

export const inboxApi: InboxApi = {
  listConversations: (projectId, filter, cursor) =>
    api.get<Page<Conversation>>(`${base(projectId)}/conversations`, conversationQuery(filter, cursor)),
  getConversation: (projectId, conversationId) => api.get<Conversation>(conversationPath(projectId, conversationId)),
  updateConversation: (projectId, conversationId, patch) =>
    api.patch<Conversation>(conversationPath(projectId, conversationId), patch),
  listMessages: (projectId, conversationId, query) =>
    api.get<MessagePage>(`${conversationPath(projectId, conversationId)}/messages`, { ...query }),
  postMessage: (projectId, conversationId, message) =>
    api.post<Message>(`${conversationPath(projectId, conversationId)}/messages`, message),
  /** Uploads to the project (multipart field `file`); the answer's id then goes in `attachment_ids`. */
  uploadAttachment: (projectId, file) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return api.request<Attachment>("POST", `${base(projectId)}/attachments`, { body: form });
  },
};

/** Calls used by the visitor panel and the assignee picker. */
export const peopleApi = {
  getVisitor: (projectId: Id, visitorId: Id) =>
    api.get<Visitor>(`${base(projectId)}/visitors/${encodeURIComponent(String(visitorId))}`),
  /** The visitor's conversations; falls back to the list filter where the nested path is absent. */
  visitorConversations: async (projectId: Id, visitorId: Id) => {
    try {
      return await api.get<Page<Conversation>>(
        `${base(projectId)}/visitors/${encodeURIComponent(String(visitorId))}/conversations`,
        { limit: 20 },
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      return api.get<Page<Conversation>>(`${base(projectId)}/conversations`, {
        visitor_id: String(visitorId),
        limit: 20,
      });
    }
  },
  /** Corrects a visitor's name or email (agents see the change through `visitor:updated`). */
  updateVisitor: (projectId: Id, visitorId: Id, patch: VisitorPatch) =>
    api.patch<Visitor>(`${base(projectId)}/visitors/${encodeURIComponent(String(visitorId))}`, patch),
  /** Every member's live status (online, away, offline), as the `presence` events report it. */
  presence: (projectId: Id) => api.get<AgentPresenceList>(`${base(projectId)}/presence`),
  listMembers: (projectId: Id) => api.get<Page<Member> | Member[]>(`${base(projectId)}/members`, { limit: 100 }),
};

/** Lists may come as a bare array or as the §6 page envelope. */
export function itemsOf<T>(answer: Page<T> | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}
