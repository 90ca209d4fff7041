import { create } from "zustand";
import { errorMessage } from "../api/client";
import type { Id, VisitorNote } from "../api/types";
import { notesApi } from "./integrationsApi";

interface NotesEntry {
  notes: VisitorNote[];
  error: string | null;
}

interface NotesState {
  byVisitor: Record<string, NotesEntry>;
  load(projectId: Id, visitorId: Id): Promise<void>;
  /** A note created or edited (by this agent or, through visitor_note:* events, by another). */
  receive(note: VisitorNote): void;
  forget(note: Pick<VisitorNote, "id" | "visitor_id">): void;
}

const newestFirst = (a: VisitorNote, b: VisitorNote) => Number(b.id) - Number(a.id);

/** Agents' notes per visitor, kept live by visitor_note:created|updated|deleted. */
export const useNotesStore = create<NotesState>((set, get) => ({
  byVisitor: {},
  load: async (projectId, visitorId) => {
    const key = String(visitorId);
    try {
      const page = await notesApi.list(projectId, visitorId);
      set({ byVisitor: { ...get().byVisitor, [key]: { notes: page.items, error: null } } });
    } catch (error) {
      const previous = get().byVisitor[key];
      set({ byVisitor: { ...get().byVisitor, [key]: { notes: previous?.notes ?? [], error: errorMessage(error) } } });
    }
  },
  receive: (note) => {
    const key = String(note.visitor_id);
    const entry = get().byVisitor[key];
    if (!entry) return; // not shown: it loads fresh when opened
    const others = entry.notes.filter((item) => String(item.id) !== String(note.id));
    set({ byVisitor: { ...get().byVisitor, [key]: { ...entry, notes: [...others, note].sort(newestFirst) } } });
  },
  forget: (note) => {
    const key = String(note.visitor_id);
    const entry = get().byVisitor[key];
    if (!entry) return;
    const notes = entry.notes.filter((item) => String(item.id) !== String(note.id));
    set({ byVisitor: { ...get().byVisitor, [key]: { ...entry, notes } } });
  },
}));
