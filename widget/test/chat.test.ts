import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChatClient } from "../src/frame/chat";
import { Store, unreadCount, visibleMessages, visibleOutgoing } from "../src/frame/store";
import { session } from "./builders";
import { FakeServer, FakeTransport } from "./fakes";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The conversation list says last_seq 1: it was read before the later messages were stored. */
function listsStale(server: FakeServer) {
  server.listedLastSeq = 1;
}

function setup() {
  const server = new FakeServer();
  const store = new Store();
  const transports: FakeTransport[] = [];
  const onAgentMessage = vi.fn();
  const client = new ChatClient({
    store,
    projectKey: "pk_test",
    connect: () => {
      const transport = new FakeTransport(server);
      transports.push(transport);
      return transport;
    },
    onAgentMessage,
    onTokenRefused: vi.fn(),
    isPageVisible: () => true,
  });
  /** The transport of the latest `start`. */
  const transport = () => {
    const latest = transports[transports.length - 1];
    if (!latest) throw new Error("the client has not connected yet");
    return latest;
  };
  return { server, store, client, transports, onAgentMessage, transport };
}

describe("chat client", () => {
  beforeEach(() => localStorage.clear());

  it("loads the open conversation's history on first connect without announcing it", async () => {
    const { server, store, client, transport, onAgentMessage } = setup();
    server.addMessage(null, "visitor", "hi");
    server.addMessage(100, "agent", "hello!");

    client.start(session());
    transport().connect();
    await settle();

    expect(store.state.currentId).toBe(100);
    expect(visibleMessages(store.state).map((m) => m.content)).toEqual(["hi", "hello!"]);
    expect(onAgentMessage).not.toHaveBeenCalled();
  });

  it("shows a message at once as pending, then as stored", async () => {
    const { store, client, transport } = setup();
    client.start(session());
    transport().connect();
    await settle();

    client.send("Hello there");
    expect(visibleOutgoing(store.state)).toMatchObject([{ content: "Hello there", status: "pending" }]);

    await settle();
    expect(visibleOutgoing(store.state)).toEqual([]);
    expect(store.state.currentId).toBe(100); // the first message created the conversation
    expect(visibleMessages(store.state).map((m) => m.content)).toEqual(["Hello there"]);
  });

  it("drops NUL characters, which the server refuses", async () => {
    const { server, client, transport } = setup();
    client.start(session());
    transport().connect();
    await settle();
    client.send("pasted\u0000text");
    await settle();
    expect(server.sent()).toEqual(["pastedtext"]);
  });

  it("sends messages written offline in order, once, after reconnecting", async () => {
    const { server, store, client, transport } = setup();
    client.start(session());
    transport().connect();
    await settle();
    transport().drop();

    client.send("one");
    client.send("two");
    client.send("three");
    await settle();
    expect(server.sent()).toEqual([]);
    expect(store.state.connection).toBe("reconnecting");

    transport().connect();
    await settle();
    await settle();

    expect(server.sent()).toEqual(["one", "two", "three"]);
    expect(server.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(store.state.unsent).toEqual([]);
  });

  it("resumes after the last seq it holds and gets what it missed", async () => {
    const { server, store, client, transport, onAgentMessage } = setup();
    server.addMessage(null, "visitor", "hi");
    client.start(session());
    transport().connect();
    await settle();

    transport().drop();
    server.addMessage(100, "agent", "missed 1");
    server.addMessage(100, "agent", "missed 2");
    transport().connect();
    await settle();

    const syncs = server.syncRequests();
    expect(syncs[syncs.length - 1]).toEqual({ conversation_id: 100, after_seq: 1 });
    expect(visibleMessages(store.state).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(onAgentMessage).toHaveBeenCalledTimes(2);
  });

  it("follows sync pages while the server says has_more, even when its list was stale", async () => {
    const { server, store, client, transport } = setup();
    for (let i = 1; i <= 5; i++) server.addMessage(null, i % 2 ? "visitor" : "agent", `m${i}`);
    server.syncLimit = 2;
    listsStale(server);

    client.start(session());
    transport().connect();
    await settle();
    await settle();
    expect(visibleMessages(store.state).map((m) => m.content)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    const afters = server.syncRequests().map((payload) => payload.after_seq);
    expect(afters).toEqual([0, 2, 4]);
  });

  it("without has_more, pages up to the last_seq the sync answer reports", async () => {
    const { server, store, client, transport } = setup();
    for (let i = 1; i <= 3; i++) server.addMessage(null, "visitor", `m${i}`);
    server.syncLimit = 1;
    server.saysHasMore = false;
    listsStale(server);

    client.start(session());
    transport().connect();
    await settle();
    await settle();
    expect(visibleMessages(store.state).map((m) => m.content)).toEqual(["m1", "m2", "m3"]);
  });

  it("ignores a duplicate message:new and fills a seq gap with a sync", async () => {
    const { server, store, client, transport } = setup();
    server.addMessage(null, "visitor", "hi");
    client.start(session());
    transport().connect();
    await settle();

    const second = server.addMessage(100, "agent", "2");
    const third = server.addMessage(100, "agent", "3");
    transport().fire("message:new", { event_id: 7, message: third }); // 2 was lost on the way
    transport().fire("message:new", { event_id: 7, message: third });
    await settle();

    expect(visibleMessages(store.state).map((m) => m.seq)).toEqual([1, second.seq, third.seq]);
  });

  it("counts unread agent messages while closed and marks them read when shown", async () => {
    const { server, store, client, transport } = setup();
    server.addMessage(null, "visitor", "hi");
    client.start(session());
    transport().connect();
    await settle();

    transport().fire("message:new", { event_id: 8, message: server.addMessage(100, "agent", "answer") });
    expect(unreadCount(store.state)).toBe(1);

    client.setOpen(true);

    expect(unreadCount(store.state)).toBe(0);
    expect(transport().emitted).toContainEqual(["read", { conversation_id: 100, seq: 2 }]);
  });

  it("shows and clears the agent's typing indicator", async () => {
    const { store, client, transport } = setup();
    client.start(session());
    transport().connect();
    transport().fire("typing", { conversation_id: 100, is_typing: true, agent: { id: 3, name: "Ana" } });
    expect(store.state.agentTyping[100]).toMatchObject({ name: "Ana" });
    transport().fire("typing", { conversation_id: 100, is_typing: false });
    expect(store.state.agentTyping[100]).toBeUndefined();
  });

  it("records the agent's read position for read receipts", async () => {
    const { store, client, transport } = setup();
    client.start(session());
    transport().fire("read", { event_id: 9, conversation_id: 100, seq: 4, reader_type: "agent" });
    expect(store.state.agentReadSeq[100]).toBe(4);
  });

  it("forgets everything when another visitor's session arrives", async () => {
    const { server, store, client, transport, transports } = setup();
    server.addMessage(null, "visitor", "secret");
    client.start(session("vt_1", 1));
    transport().connect();
    await settle();

    client.start(session("vt_2", 2));

    expect(transports[0]?.close).toHaveBeenCalled();
    expect(store.state.messages).toEqual({});
    expect(store.state.session?.visitor.id).toBe(2);
  });

  it("never sends a previous visitor's waiting messages as the new visitor", async () => {
    const { server, client, transport } = setup();
    client.start(session("vt_1", 1));
    client.send("written by visitor 1");

    client.start(session("vt_2", 2));
    transport().connect();
    await settle();
    await settle();

    expect(server.sent()).toEqual([]);
  });

  it("reconnects with a refreshed token for the same visitor, keeping the state", async () => {
    const { server, store, client, transport } = setup();
    server.addMessage(null, "visitor", "hi");
    client.start(session("vt_1"));
    transport().connect();
    await settle();

    client.start(session("vt_new"));

    expect(transport().reconnect).toHaveBeenCalledWith({ project_key: "pk_test", visitor_token: "vt_new" });
    expect(visibleMessages(store.state)).toHaveLength(1);
  });

  it("keeps messages written offline across a page reload", async () => {
    const first = setup();
    first.client.start(session());
    first.client.send("written offline");
    await settle();

    const second = setup();
    second.client.start(session());
    expect(second.store.state.unsent.map((o) => o.content)).toEqual(["written offline"]);
    second.transport().connect();
    await settle();
    await settle();
    expect(second.server.sent()).toEqual(["written offline"]);
  });

  it("keeps messages written offline before the unsent queue was renamed (stored as outbox)", async () => {
    const waiting = {
      client_msg_id: "c-old",
      conversation_id: null,
      content: "written long ago",
      attachments: [],
      created_at: "2025-01-01T00:00:00Z",
      status: "pending",
    };
    localStorage.setItem("livechat:pk_test:1:outbox", JSON.stringify([waiting]));

    const { server, store, client, transport } = setup();
    client.start(session());
    expect(store.state.unsent.map((o) => o.content)).toEqual(["written long ago"]);
    expect(localStorage.getItem("livechat:pk_test:1:outbox")).toBeNull();
    transport().connect();
    await settle();
    await settle();
    expect(server.sent()).toEqual(["written long ago"]);
  });
});
