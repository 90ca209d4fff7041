import { api } from "../api/client";
import { useRealtimeStore } from "./realtimeStore";
import { AgentSocket } from "./socket";

/** The dashboard's single /agent connection. */
export const agentSocket = new AgentSocket({
  getToken: () => api.getAccessToken(),
  getStatus: () => useRealtimeStore.getState().myStatus,
  refreshToken: () => api.refreshSession(),
});
