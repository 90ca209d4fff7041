/** The conversation list: what the project holds, what the filter shows, and the live updates to both. */
import { errorMessage } from "../../api/client";
import type { Conversation, ConversationEvent, ConversationPatch, Id, Visitor } from "../../api/types";
import type { InboxDeps, InboxSlice } from "../inboxStore";
import { applyConversation, applyVisitorToConversation, isListRow, matchesFilter, mergeConversation } from "../merge";
import type { ConversationFilter } from "../merge";

export type ListStatus = "idle" | "loading" | "ready" | "error";

export const defaultFilter: ConversationFilter = { assignee: "all", status: "open", q: "" };

export interface ListSlice {
  projectId: Id | null;
  meId: Id | null;
  filter: ConversationFilter;
  /** Every conversation of the project we know of, by id. */
  known: Record<string, Conversation>;
  /** Ids that belong to the list under the current filter. */
  listed: Record<string, true>;
  nextCursor: string | null;
  listStatus: ListStatus;
  listError: string | null;

  /** Opens a project's inbox for this agent; everything held for another project is dropped. */
  start(projectId: Id, meId: Id): Promise<void>;
  setFilter(change: Partial<ConversationFilter>): Promise<void>;
  loadConversations(): Promise<void>;
  loadMoreConversations(): Promise<void>;
  updateConversation(conversationId: Id, patch: ConversationPatch): Promise<void>;
  /** A list row (REST, `conversation:created`) or the bare conversation of `conversation:updated`. */
  receiveConversation(conversation: Conversation | ConversationEvent): void;
  receiveVisitor(visitor: Partial<Visitor> & { id: Id }): void;

  /** Lists a held conversation if it now matches the filter (for the timeline slice's live messages). */
  admitToList(conversation: Conversation): void;
}

export function createListSlice(deps: InboxDeps): InboxSlice<ListSlice> {
  // Only the answer to the latest list request counts.
  let listRequest = 0;

  return (set, get) => {
    /** Stores a conversation we hold or a new list row, and lists it if it matches the filter. */
    const accept = (conversation: Conversation | ConversationEvent) => {
      const existing = get().known[conversation.id];
      let merged: Conversation;
      if (existing) merged = applyConversation(existing, conversation);
      else if (isListRow(conversation)) merged = mergeConversation(undefined, conversation);
      else return;
      set((state) => ({ known: { ...state.known, [conversation.id]: merged } }));
      get().admitToList(merged);
    };

    /** Merges a page of rows into what we hold; the first page replaces the list, later ones extend it. */
    const addPage = (rows: Conversation[], nextCursor: string | null, isFirstPage: boolean) =>
      set((state) => {
        const known = { ...state.known };
        const listed: Record<string, true> = isFirstPage ? {} : { ...state.listed };
        for (const conversation of rows) {
          known[conversation.id] = mergeConversation(known[conversation.id], conversation);
          listed[conversation.id] = true;
        }
        return { known, listed, nextCursor, listStatus: "ready" };
      });

    return {
      projectId: null,
      meId: null,
      filter: defaultFilter,
      known: {},
      listed: {},
      nextCursor: null,
      listStatus: "idle",
      listError: null,

      start: async (projectId, meId) => {
        if (get().projectId === projectId && get().meId === meId) return;
        get().forgetReads();
        // A new project: nothing of the previous one stays, in any slice.
        set({
          projectId,
          meId,
          known: {},
          listed: {},
          nextCursor: null,
          timelines: {},
          activeId: null,
          visitorTyping: {},
        });
        await get().loadConversations();
      },

      setFilter: async (change) => {
        set({ filter: { ...get().filter, ...change } });
        await get().loadConversations();
      },

      loadConversations: async () => {
        const { projectId, filter } = get();
        if (projectId == null) return;
        const request = ++listRequest;
        set({ listStatus: "loading", listError: null });
        try {
          const page = await deps.api.listConversations(projectId, filter, null);
          if (request === listRequest) addPage(page.items, page.next_cursor, true);
        } catch (error) {
          if (request === listRequest) set({ listStatus: "error", listError: errorMessage(error) });
        }
      },

      loadMoreConversations: async () => {
        const { projectId, filter, nextCursor, listStatus } = get();
        if (projectId == null || !nextCursor || listStatus === "loading") return;
        const request = listRequest;
        set({ listStatus: "loading" });
        try {
          const page = await deps.api.listConversations(projectId, filter, nextCursor);
          if (request === listRequest) addPage(page.items, page.next_cursor, false);
        } catch (error) {
          if (request === listRequest) set({ listStatus: "error", listError: errorMessage(error) });
        }
      },

      updateConversation: async (conversationId, patch) => {
        const { projectId } = get();
        if (projectId == null) return;
        const updated = await deps.api.updateConversation(projectId, conversationId, patch);
        get().receiveConversation(updated);
      },

      receiveConversation: (conversation) => {
        const { projectId } = get();
        if (projectId == null || conversation.project_id !== projectId) return;
        if (!get().known[conversation.id] && !isListRow(conversation)) {
          // `conversation:updated` carries the bare conversation (no visitor, last message or unread count):
          // one we do not hold yet is fetched as a full list row before it is shown.
          deps.api
            .getConversation(projectId, conversation.id)
            .then((row) => {
              if (get().projectId === projectId) accept(row);
            })
            .catch(() => undefined);
          return;
        }
        accept(conversation);
      },

      receiveVisitor: (visitor) => {
        set((state) => {
          let changed = false;
          const known: Record<string, Conversation> = {};
          for (const [id, conversation] of Object.entries(state.known)) {
            const next = applyVisitorToConversation(conversation, visitor);
            changed ||= next !== conversation;
            known[id] = next;
          }
          return changed ? { known } : state;
        });
      },

      admitToList: (conversation) => {
        const { filter, meId, listed } = get();
        if (!listed[conversation.id] && matchesFilter(conversation, filter, meId)) {
          set({ listed: { ...get().listed, [conversation.id]: true } });
        }
      },
    };
  };
}
