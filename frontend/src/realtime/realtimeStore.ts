import { create } from "zustand";
import type { Id, PresenceStatus } from "../api/types";
import type { ConnectionState } from "./socket";

const PRESENCE_KEY = "livechat.presence";

interface RealtimeState {
  connection: ConnectionState;
  /** This agent's chosen status, kept across reloads. */
  myStatus: "online" | "away";
  /** Other agents' presence by user id. */
  presence: Record<string, PresenceStatus>;
  setMyStatus(status: "online" | "away"): void;
  receivePresence(userId: Id, status: PresenceStatus): void;
}

export const useRealtimeStore = create<RealtimeState>((set) => ({
  connection: "idle",
  myStatus: typeof localStorage !== "undefined" && localStorage.getItem(PRESENCE_KEY) === "away" ? "away" : "online",
  presence: {},
  setMyStatus: (status) => {
    localStorage.setItem(PRESENCE_KEY, status);
    set({ myStatus: status });
  },
  receivePresence: (userId, status) =>
    set((state) => ({ presence: { ...state.presence, [String(userId)]: status } })),
}));
