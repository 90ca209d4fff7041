/** This agent's messages on their way: shown at once as pending, sent (attachments first), retried or discarded. */
import { errorMessage } from "../../api/client";
import type { Id } from "../../api/types";
import type { InboxDeps, InboxSlice } from "../inboxStore";
import { addPending, removePending, updatePending } from "../merge";
import type { PendingMessage } from "../merge";

export interface SendingSlice {
  sendMessage(conversationId: Id, content: string, options?: { isPrivate?: boolean; files?: File[] }): Promise<void>;
  retryMessage(conversationId: Id, clientMsgId: string): Promise<void>;
  discardMessage(conversationId: Id, clientMsgId: string): void;
}

export function createSendingSlice(deps: InboxDeps): InboxSlice<SendingSlice> {
  return (_set, get) => {
    /** Uploads what is not uploaded yet, then posts; a failure leaves the message pending as failed. */
    const deliver = async (conversationId: Id, clientMsgId: string) => {
      const { projectId } = get();
      const pending = get().timelines[conversationId]?.pending.find((item) => item.client_msg_id === clientMsgId);
      if (projectId == null || !pending) return;
      try {
        let attachments = pending.attachments;
        for (const file of pending.files.slice(attachments.length)) {
          attachments = [...attachments, await deps.api.uploadAttachment(projectId, file)];
          get().patchTimeline(conversationId, (timeline) => updatePending(timeline, clientMsgId, { attachments }));
        }
        const message = await deps.api.postMessage(projectId, conversationId, {
          content: pending.content,
          client_msg_id: clientMsgId,
          private: pending.private,
          ...(attachments.length ? { attachment_ids: attachments.map((item) => item.id) } : {}),
        });
        get().storeMessages(conversationId, [message]);
      } catch (error) {
        get().patchTimeline(conversationId, (timeline) =>
          updatePending(timeline, clientMsgId, { state: "failed", error: errorMessage(error) }),
        );
      }
    };

    return {
      sendMessage: async (conversationId, content, options = {}) => {
        const pending: PendingMessage = {
          client_msg_id: deps.newClientMsgId(),
          conversation_id: conversationId,
          // The server refuses NUL characters (PostgreSQL text cannot hold them): a retry would fail forever.
          content: content.replaceAll("\u0000", ""),
          private: Boolean(options.isPrivate),
          created_at: new Date().toISOString(),
          state: "sending",
          error: null,
          files: options.files ?? [],
          attachments: [],
        };
        get().patchTimeline(conversationId, (timeline) => addPending(timeline, pending));
        await deliver(conversationId, pending.client_msg_id);
      },

      retryMessage: async (conversationId, clientMsgId) => {
        get().patchTimeline(conversationId, (timeline) =>
          updatePending(timeline, clientMsgId, { state: "sending", error: null }),
        );
        // Same client_msg_id: if the first try was stored after all, the server answers with that message.
        await deliver(conversationId, clientMsgId);
      },

      discardMessage: (conversationId, clientMsgId) =>
        get().patchTimeline(conversationId, (timeline) => removePending(timeline, clientMsgId)),
    };
  };
}
