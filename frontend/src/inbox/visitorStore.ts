import { create } from "zustand";
import { errorMessage } from "../api/client";
import type { Conversation, Id, Visitor } from "../api/types";
import { itemsOf, peopleApi } from "./inboxApi";

interface VisitorEntry {
  visitor: Visitor | null;
  pastConversations: Conversation[];
  error: string | null;
}

interface VisitorState {
  byId: Record<string, VisitorEntry>;
  load(projectId: Id, visitorId: Id): Promise<void>;
  receive(visitor: Partial<Visitor> & { id: Id }): void;
}

/** Visitor details for the side panel, kept fresh by visitor:updated events. */
export const useVisitorStore = create<VisitorState>((set, get) => ({
  byId: {},
  load: async (projectId, visitorId) => {
    const id = String(visitorId);
    try {
      const [visitor, past] = await Promise.all([
        peopleApi.getVisitor(projectId, visitorId),
        peopleApi.visitorConversations(projectId, visitorId).catch(() => ({ items: [], next_cursor: null })),
      ]);
      set({ byId: { ...get().byId, [id]: { visitor, pastConversations: itemsOf(past), error: null } } });
    } catch (error) {
      const previous = get().byId[id];
      set({
        byId: {
          ...get().byId,
          [id]: {
            visitor: previous?.visitor ?? null,
            pastConversations: previous?.pastConversations ?? [],
            error: errorMessage(error),
          },
        },
      });
    }
  },
  receive: (visitor) => {
    const id = String(visitor.id);
    const entry = get().byId[id];
    if (!entry?.visitor) return;
    set({ byId: { ...get().byId, [id]: { ...entry, visitor: { ...entry.visitor, ...visitor } } } });
  },
}));
