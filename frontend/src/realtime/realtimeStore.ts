import { create } from "zustand";
import type { AgentPresenceList, Id, PresenceStatus } from "../api/types";
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
  /**
   * Loads the team's current statuses (on opening a project and after every
   * (re)connection); live `presence` events keep them fresh afterwards.
   */
  loadPresence(projectId: Id, fetchPresence: (projectId: Id) => Promise<AgentPresenceList>): Promise<void>;
}

/** Users whose live event arrived while a snapshot was loading: the event is newer than the snapshot. */
const heardDuringLoad = new Set<string>();
let loadsRunning = 0;

export const useRealtimeStore = create<RealtimeState>((set) => ({
  connection: "idle",
  myStatus: typeof localStorage !== "undefined" && localStorage.getItem(PRESENCE_KEY) === "away" ? "away" : "online",
  presence: {},
  setMyStatus: (status) => {
    localStorage.setItem(PRESENCE_KEY, status);
    set({ myStatus: status });
  },
  receivePresence: (userId, status) => {
    if (loadsRunning) heardDuringLoad.add(String(userId));
    set((state) => ({ presence: { ...state.presence, [String(userId)]: status } }));
  },
  loadPresence: async (projectId, fetchPresence) => {
    loadsRunning += 1;
    try {
      const answer = await fetchPresence(projectId);
      const loaded: Record<string, PresenceStatus> = {};
      for (const item of answer.items ?? []) {
        if (!heardDuringLoad.has(String(item.user_id))) loaded[String(item.user_id)] = item.status;
      }
      set((state) => ({ presence: { ...state.presence, ...loaded } }));
    } catch {
      // Without the snapshot the team shows as offline until their next presence event.
    } finally {
      loadsRunning -= 1;
      if (!loadsRunning) heardDuringLoad.clear();
    }
  },
}));
