import { create } from "zustand";
import { errorMessage } from "../api/client";
import type { Id, Member } from "../api/types";
import { itemsOf, peopleApi } from "../inbox/inboxApi";

interface MembersState {
  projectId: Id | null;
  members: Member[];
  error: string | null;
  load(projectId: Id, force?: boolean): Promise<void>;
  replace(members: Member[]): void;
}

/** The current project's members, for the assignee picker, presence and settings. */
export const useMembersStore = create<MembersState>((set, get) => ({
  projectId: null,
  members: [],
  error: null,
  load: async (projectId, force = false) => {
    if (!force && String(get().projectId) === String(projectId) && get().members.length) return;
    if (String(get().projectId) !== String(projectId)) set({ projectId, members: [], error: null });
    try {
      const members = itemsOf(await peopleApi.listMembers(projectId));
      if (String(get().projectId) === String(projectId)) set({ members, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  replace: (members) => set({ members }),
}));
