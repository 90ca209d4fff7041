import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { Attachment, Conversation, Id } from "../api/types";
import type { InboxApi, MessagePageQuery, NewMessage } from "./inboxApi";
import { createInboxStore } from "./inboxStore";
import type { RealtimeLink } from "./inboxStore";
import { makeConversation, makeMessage } from "./testData";
import type { StoredMessage } from "./testData";

/** An in-memory server for one conversation, enough to drive the store. */
function fakeServer(initial: StoredMessage[]) {
  const messages = [...initial];
  let conversation = makeConversation(1, { last_seq: initial.at(-1)?.seq ?? 0 });
  const posted: NewMessage[] = [];
  const uploads: Array<{ projectId: Id; name: string }> = [];
  let failNextPost: Error | null = null;
  let failUploads: Error | null = null;
  let fetchedRows = 0;

  const api: InboxApi = {
    listConversations: async () => ({ items: [conversation], next_cursor: null }),
    getConversation: async (_pid, cid) => {
      fetchedRows += 1;
      return cid === 1 ? conversation : makeConversation(cid);
    },
    updateConversation: async (_pid, _cid, patch) => {
      conversation = { ...conversation, ...patch } as Conversation;
      return conversation;
    },
    listMessages: async (_pid: Id, _cid: Id, query: MessagePageQuery) => {
      let items = messages;
      if (query.after_seq !== undefined) items = items.filter((m) => m.seq > query.after_seq!).slice(0, query.limit);
      if (query.before_seq !== undefined) items = items.filter((m) => m.seq < query.before_seq!).slice(-query.limit);
      return { items, last_seq: conversation.last_seq };
    },
    postMessage: async (_pid, _cid, body) => {
      posted.push(body);
      if (failNextPost) {
        const error = failNextPost;
        failNextPost = null;
        throw error;
      }
      const existing = messages.find((m) => m.client_msg_id === body.client_msg_id);
      if (existing) return existing;
      const stored = makeMessage(messages.length + 1, {
        sender_type: "agent",
        content: body.content,
        client_msg_id: body.client_msg_id,
        private: body.private,
        attachments: (body.attachment_ids ?? []).map((id) => ({
          id,
          name: `file-${id}`,
          content_type: "text/plain",
          size: 1,
          url: `http://localhost/api/v1/attachments/${id}`,
        })),
      });
      messages.push(stored);
      conversation = { ...conversation, last_seq: stored.seq };
      return stored;
    },
    uploadAttachment: async (projectId, file): Promise<Attachment> => {
      if (failUploads) throw failUploads;
      uploads.push({ projectId, name: file.name });
      const id = 500 + uploads.length;
      return {
        id,
        name: file.name,
        content_type: "text/plain",
        size: file.size,
        url: `http://localhost/api/v1/attachments/${id}`,
      };
    },
  };

  return {
    api,
    messages,
    posted,
    uploads,
    failNextPost: (error: Error) => (failNextPost = error),
    failUploads: (error: Error | null) => (failUploads = error),
    fetchedRows: () => fetchedRows,
    /** Stores a message without telling the client, as if its event were lost. */
    storeSilently(message: StoredMessage) {
      messages.push(message);
      conversation = { ...conversation, last_seq: message.seq };
    },
  };
}

function setup(initial: StoredMessage[], realtime: Partial<RealtimeLink> = {}) {
  const server = fakeServer(initial);
  let counter = 0;
  const link: RealtimeLink = { emitRead: vi.fn(() => true), sync: vi.fn(async () => null), ...realtime };
  const store = createInboxStore({ api: server.api, realtime: link, newClientMsgId: () => `client-${++counter}` });
  return { server, store, link };
}

type Store = ReturnType<typeof setup>["store"];

/** The conversation the store holds (conversation 1 unless said), failing the test when it holds none. */
function conversationOf(store: Store, id = 1) {
  const conversation = store.getState().known[id];
  if (!conversation) throw new Error(`conversation ${id} is not known`);
  return conversation;
}

/** The timeline of a conversation (1 unless said), failing the test when there is none. */
function timelineOf(store: Store, id = 1) {
  const timeline = store.getState().timelines[id];
  if (!timeline) throw new Error(`conversation ${id} has no timeline`);
  return timeline;
}

const seqsOf = (store: Store) => timelineOf(store).messages.map((m) => m.seq);

describe("inbox store", () => {
  let history: StoredMessage[];

  beforeEach(() => {
    history = Array.from({ length: 120 }, (_, index) => makeMessage(index + 1));
  });

  it("opens a conversation on its latest page and pages upwards", async () => {
    const { store } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    expect(seqsOf(store)).toEqual(history.slice(70).map((m) => m.seq));
    expect(timelineOf(store).hasOlder).toBe(true);

    await store.getState().loadOlder(1);
    await store.getState().loadOlder(1);
    expect(seqsOf(store)).toEqual(history.map((m) => m.seq));
    expect(timelineOf(store).hasOlder).toBe(false);
  });

  it("marks the open conversation read up to its last seq", async () => {
    const { store, link } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    expect(link.emitRead).toHaveBeenCalledWith(1, 120);
  });

  it("sends the read again after a reconnect when the socket was down", async () => {
    const emitRead = vi.fn(() => false);
    const { store } = setup(history, { emitRead });
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    emitRead.mockReturnValue(true);
    await store.getState().resume();
    expect(emitRead).toHaveBeenLastCalledWith(1, 120);
    expect(emitRead).toHaveBeenCalledTimes(2);
  });

  it("ignores a live message it already holds", async () => {
    const { store } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    store.getState().receiveMessage(makeMessage(120));
    expect(seqsOf(store).filter((seq) => seq === 120)).toHaveLength(1);
  });

  it("fetches the gap when a live message skips seqs", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.storeSilently(makeMessage(121));
    const live = makeMessage(122);
    server.storeSilently(live);
    store.getState().receiveMessage(live);
    await vi.waitFor(() => expect(seqsOf(store).slice(-3)).toEqual([120, 121, 122]));
  });

  it("resumes after a reconnect from the last seq without duplicates", async () => {
    const sync = vi.fn(async (_cid: Id, afterSeq: number) => ({
      messages: afterSeq === 120 ? [makeMessage(121), makeMessage(122)] : [],
      hasMore: false,
    }));
    const { store, server } = setup(history, { sync });
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.storeSilently(makeMessage(121));
    server.storeSilently(makeMessage(122));

    await store.getState().resume();
    expect(sync).toHaveBeenCalledWith(1, 120);
    expect(seqsOf(store).slice(-3)).toEqual([120, 121, 122]);
    store.getState().receiveMessage(makeMessage(122));
    expect(seqsOf(store).slice(-3)).toEqual([120, 121, 122]);
  });

  it("goes on over REST when the sync page was cut short, even if the known last_seq is stale", async () => {
    const sync = vi.fn(async () => ({ messages: [makeMessage(121)], hasMore: true }));
    const { store, server } = setup(history, { sync });
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    const stale = conversationOf(store);
    server.api.listConversations = async () => ({ items: [stale], next_cursor: null });
    server.storeSilently(makeMessage(121));
    server.storeSilently(makeMessage(122));
    server.storeSilently(makeMessage(123));
    // Nothing told the store about 121–123: only has_more says there is more than the sync page.
    await store.getState().resume();
    expect(seqsOf(store).slice(-4)).toEqual([120, 121, 122, 123]);
  });

  it("falls back to REST after_seq when the socket cannot sync", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.storeSilently(makeMessage(121));
    await store.getState().resume();
    expect(seqsOf(store).slice(-2)).toEqual([120, 121]);
  });

  it("shows an optimistic message, then the stored one with the same client_msg_id", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    const sending = store.getState().sendMessage(1, "Hi there");
    expect(timelineOf(store).pending).toMatchObject([{ content: "Hi there", state: "sending" }]);
    await sending;
    const timeline = timelineOf(store);
    expect(timeline.pending).toEqual([]);
    expect(timeline.messages.at(-1)).toMatchObject({ seq: 121, content: "Hi there", client_msg_id: "client-1" });
    expect(server.posted).toEqual([{ content: "Hi there", client_msg_id: "client-1", private: false }]);
    expect(conversationOf(store).last_message?.content).toBe("Hi there");
  });

  it("drops NUL characters, which the server refuses", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    await store.getState().sendMessage(1, "pasted\u0000text");
    expect(server.posted.at(-1)?.content).toBe("pastedtext");
  });

  it("does not duplicate when the socket echo beats the POST answer", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    const original = server.api.postMessage;
    server.api.postMessage = async (pid, cid, body) => {
      const stored = await original(pid, cid, body);
      store.getState().receiveMessage(stored);
      return stored;
    };
    await store.getState().sendMessage(1, "echo first");
    expect(seqsOf(store).filter((seq) => seq === 121)).toHaveLength(1);
    expect(timelineOf(store).pending).toEqual([]);
  });

  it("keeps a failed send with its error and retries with the same client_msg_id", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.failNextPost(new ApiError(0, "network_error", "The server could not be reached"));
    await store.getState().sendMessage(1, "Are you there?", { isPrivate: true });
    expect(timelineOf(store).pending).toMatchObject([
      { state: "failed", error: "The server could not be reached", private: true },
    ]);

    await store.getState().retryMessage(1, "client-1");
    expect(timelineOf(store).pending).toEqual([]);
    expect(server.posted.map((body) => body.client_msg_id)).toEqual(["client-1", "client-1"]);
    expect(timelineOf(store).messages.at(-1)).toMatchObject({ content: "Are you there?", private: true });
  });

  it("retires a failed send whose message was stored after all", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.failNextPost(new ApiError(504, "timeout", "Gateway timeout"));
    await store.getState().sendMessage(1, "late");
    store
      .getState()
      .receiveMessage(makeMessage(121, { client_msg_id: "client-1", sender_type: "agent", content: "late" }));
    expect(timelineOf(store).pending).toEqual([]);
    expect(seqsOf(store).at(-1)).toBe(121);
  });

  it("uploads files to the project, then sends their ids in attachment_ids", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    await store.getState().sendMessage(1, "see files", { files: [new File(["x"], "a.txt"), new File(["y"], "b.txt")] });
    expect(server.uploads).toEqual([
      { projectId: 7, name: "a.txt" },
      { projectId: 7, name: "b.txt" },
    ]);
    expect(server.posted.at(-1)).toEqual({
      content: "see files",
      client_msg_id: "client-1",
      private: false,
      attachment_ids: [501, 502],
    });
    expect(
      timelineOf(store)
        .messages.at(-1)
        ?.attachments?.map((a) => a.name),
    ).toEqual(["file-501", "file-502"]);
  });

  it("reports an attachment upload failure on the pending message and does not upload twice on retry", async () => {
    const { store, server } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().openConversation(1);
    server.failUploads(new ApiError(422, "attachment_type_not_allowed", "Files of type text/html are not accepted."));
    await store.getState().sendMessage(1, "see file", { files: [new File(["x"], "a.txt")] });
    expect(timelineOf(store).pending[0]).toMatchObject({
      state: "failed",
      error: "Files of type text/html are not accepted.",
    });
    server.failUploads(null);
    await store.getState().retryMessage(1, "client-1");
    expect(server.uploads).toHaveLength(1);
    expect(server.posted.at(-1)?.attachment_ids).toEqual([501]);
  });

  it("counts unread visitor messages in conversations that are not open", async () => {
    const { store } = setup(history.slice(0, 3));
    await store.getState().start(7, 5);
    store.getState().receiveMessage(makeMessage(4));
    store.getState().receiveMessage(makeMessage(4));
    expect(conversationOf(store).unread_count).toBe(1);
  });

  it("admits a conversation created live when it matches the filter", async () => {
    const { store } = setup([]);
    await store.getState().start(7, 5);
    store.getState().receiveConversation(makeConversation(2, { project_id: 7 }));
    store.getState().receiveConversation(makeConversation(3, { project_id: 8 }));
    expect(Object.keys(store.getState().listed).sort()).toEqual(["1", "2"]);
    expect(store.getState().known["3"]).toBeUndefined();
  });

  it("fetches the full row of an unknown conversation announced by a bare conversation:updated", async () => {
    const { store, server } = setup([]);
    await store.getState().start(7, 5);
    const before = server.fetchedRows();
    const bare = makeConversation(4, { status: "open" });
    delete bare.visitor;
    delete bare.last_message;
    delete bare.unread_count;
    store.getState().receiveConversation(bare);
    await vi.waitFor(() => expect(store.getState().known["4"]?.visitor?.name).toBe("Visitor 4"));
    expect(server.fetchedRows()).toBe(before + 1);
    expect(store.getState().listed["4"]).toBe(true);
  });

  it("keeps visitor, last message and unread count when a bare update changes a known conversation", async () => {
    const { store } = setup(history.slice(0, 3));
    await store.getState().start(7, 5);
    store.getState().receiveMessage(makeMessage(4));
    const bare = makeConversation(1, { status: "pending", last_seq: 4 });
    delete bare.visitor;
    delete bare.last_message;
    delete bare.unread_count;
    store.getState().receiveConversation(bare);
    const conversation = conversationOf(store);
    expect(conversation).toMatchObject({ status: "pending", unread_count: 1, visitor: { name: "Visitor 1" } });
    expect(conversation.last_message?.content).toBe("message 4");
  });

  it("catches up to the last_seq the messages page reports", async () => {
    const { store, server } = setup(history.slice(0, 3));
    await store.getState().start(7, 5);
    // Two messages stored after the list was fetched, their events lost: the page's last_seq reveals them.
    const stale = conversationOf(store);
    server.api.getConversation = async () => stale;
    server.storeSilently(makeMessage(4));
    server.storeSilently(makeMessage(5));
    await store.getState().openConversation(1);
    expect(seqsOf(store)).toEqual([1, 2, 3, 4, 5]);
  });

  it("clears the unread count when this agent read the conversation in another tab", async () => {
    const { store } = setup(history.slice(0, 3));
    await store.getState().start(7, 5);
    store.getState().receiveMessage(makeMessage(4));
    expect(conversationOf(store).unread_count).toBe(1);
    store.getState().receiveRead(1, 4, "agent", 6); // a colleague: still unread for me
    expect(conversationOf(store).unread_count).toBe(1);
    store.getState().receiveRead(1, 4, "agent", 5);
    expect(conversationOf(store).unread_count).toBe(0);
  });

  it("applies a status change answered by PATCH", async () => {
    const { store } = setup(history);
    await store.getState().start(7, 5);
    await store.getState().updateConversation(1, { status: "resolved" });
    expect(conversationOf(store).status).toBe("resolved");
  });

  it("clears the visitor typing indicator when their message arrives", async () => {
    const { store } = setup(history.slice(0, 2));
    await store.getState().start(7, 5);
    store.getState().receiveTyping(1, true, "visitor");
    expect(store.getState().visitorTyping["1"]).toBe(true);
    store.getState().receiveMessage(makeMessage(3));
    expect(store.getState().visitorTyping["1"]).toBeUndefined();
  });
});
