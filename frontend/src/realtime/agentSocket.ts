import { api } from "../api/client";
import { AgentSocket } from "./socket";

/** The dashboard's single /agent connection. */
export const agentSocket = new AgentSocket({
  getToken: () => api.getAccessToken(),
  refreshToken: () => api.refreshSession(),
});
