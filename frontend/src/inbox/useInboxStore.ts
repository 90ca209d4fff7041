import { newClientMsgId } from "../app/ids";
import { agentSocket } from "../realtime/agentSocket";
import { inboxApi } from "./inboxApi";
import { createInboxStore } from "./inboxStore";

export const useInboxStore = createInboxStore({
  api: inboxApi,
  realtime: {
    emitRead: (conversationId, seq) => agentSocket.emitRead(conversationId, seq),
    sync: (conversationId, afterSeq) => agentSocket.sync(conversationId, afterSeq),
  },
  newClientMsgId,
});
