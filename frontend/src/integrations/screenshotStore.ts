import { create } from "zustand";
import type { Screenshot } from "../api/types";

interface ScreenshotState {
  byId: Record<string, Screenshot>;
  receive(shot: Screenshot): void;
}

/** Screenshots this tab asked for, updated by screenshot:updated events and polling. */
export const useScreenshotStore = create<ScreenshotState>((set, get) => ({
  byId: {},
  receive: (shot) => {
    const previous = get().byId[String(shot.id)];
    // A late "pending" answer must not undo a finished result.
    if (previous && previous.status !== "pending" && shot.status === "pending") return;
    set({ byId: { ...get().byId, [String(shot.id)]: shot } });
  },
}));
