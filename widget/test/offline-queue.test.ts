import { describe, expect, it, vi } from "vitest";
import { OfflineQueue, overloadedWait, type QueuedMessage, type SendResult } from "../src/frame/offline-queue";
import type { Message } from "../src/shared/types";
import { message } from "./builders";

function stored(item: QueuedMessage, seq: number, conversationId = 10): Message {
  return message(seq, {
    conversation_id: item.conversation_id ?? conversationId,
    sender_type: "visitor",
    content: item.content,
    client_msg_id: item.client_msg_id,
    created_at: "2025-01-01T00:00:00Z",
  });
}

/** A fake server that stores each client_msg_id once, like the real one (idempotent sends). */
function fakeServer() {
  const byClientId = new Map<string, Message>();
  let seq = 0;
  let isUp = true;
  const received: string[] = [];
  const send = vi.fn(async (item: QueuedMessage): Promise<SendResult> => {
    if (!isUp) return { ok: false, isLost: true };
    received.push(item.client_msg_id);
    let message = byClientId.get(item.client_msg_id);
    if (!message) {
      message = stored(item, ++seq);
      byClientId.set(item.client_msg_id, message);
    }
    return { ok: true, message };
  });
  return {
    send,
    received,
    byClientId,
    setUp: (up: boolean) => (isUp = up),
    isUp: () => isUp,
  };
}

const item = (id: string, conversationId: number | null = 10): QueuedMessage => ({
  client_msg_id: id,
  content: "text " + id,
  conversation_id: conversationId,
});

describe("offline queue", () => {
  it("sends queued messages in the order they were written", async () => {
    const server = fakeServer();
    const onStored = vi.fn();
    const queue = new OfflineQueue({ send: server.send, isOnline: () => true, onStored, onRefused: vi.fn() });

    queue.enqueue(item("a"));
    queue.enqueue(item("b"));
    await queue.enqueue(item("c"));

    expect(server.received).toEqual(["a", "b", "c"]);
    expect(onStored.mock.calls.map(([, message]) => message.seq)).toEqual([1, 2, 3]);
    expect(queue.pending).toEqual([]);
  });

  it("holds messages written offline and sends them in order on reconnect", async () => {
    const server = fakeServer();
    let isOnline = false;
    const queue = new OfflineQueue({
      send: server.send,
      isOnline: () => isOnline,
      onStored: vi.fn(),
      onRefused: vi.fn(),
    });

    await queue.enqueue(item("a"));
    await queue.enqueue(item("b"));
    expect(server.send).not.toHaveBeenCalled();
    expect(queue.pending.map((i) => i.client_msg_id)).toEqual(["a", "b"]);

    isOnline = true;
    await queue.flush();

    expect(server.received).toEqual(["a", "b"]);
    expect(queue.pending).toEqual([]);
  });

  it("keeps a message whose answer was lost and resends it with the same id, stored once", async () => {
    const server = fakeServer();
    const onStored = vi.fn();
    // The server stores "a" but the ack never arrives.
    server.send.mockImplementationOnce(async (queued: QueuedMessage) => {
      server.byClientId.set(queued.client_msg_id, stored(queued, 1));
      return { ok: false, isLost: true };
    });
    const queue = new OfflineQueue({ send: server.send, isOnline: () => true, onStored, onRefused: vi.fn() });

    await queue.enqueue(item("a"));
    expect(queue.pending.map((i) => i.client_msg_id)).toEqual(["a"]);

    await queue.flush();

    expect(server.send.mock.calls.map(([queued]) => queued.client_msg_id)).toEqual(["a", "a"]);
    expect(server.byClientId.size).toBe(1);
    expect(onStored).toHaveBeenCalledOnce();
    expect(queue.pending).toEqual([]);
  });

  it("does not send later messages past one that got no answer (order first)", async () => {
    const server = fakeServer();
    server.send.mockImplementationOnce(async () => ({ ok: false, isLost: true }));
    const queue = new OfflineQueue({ send: server.send, isOnline: () => true, onStored: vi.fn(), onRefused: vi.fn() });
    queue.enqueue(item("a"));
    await queue.enqueue(item("b"));
    // "a" was tried once and lost; "b" waited behind it... until the repeated flush pass.
    const sentIds = server.send.mock.calls.map(([queued]) => queued.client_msg_id);
    expect(sentIds.indexOf("b")).toBeGreaterThan(sentIds.lastIndexOf("a"));
  });

  it("drops a refused message, reports it, and goes on with the next", async () => {
    const server = fakeServer();
    server.send.mockImplementationOnce(async () => ({
      ok: false,
      error: { code: "content_too_long", message: "Too long" },
    }));
    const onRefused = vi.fn();
    const onStored = vi.fn();
    const queue = new OfflineQueue({ send: server.send, isOnline: () => true, onStored, onRefused });

    queue.enqueue(item("a"));
    await queue.enqueue(item("b"));

    expect(onRefused).toHaveBeenCalledWith(
      expect.objectContaining({ client_msg_id: "a" }),
      expect.objectContaining({ code: "content_too_long" }),
    );
    expect(onStored).toHaveBeenCalledWith(expect.objectContaining({ client_msg_id: "b" }), expect.anything());
    expect(queue.pending).toEqual([]);
  });

  it("does not queue the same client_msg_id twice", async () => {
    const queue = new OfflineQueue({ send: vi.fn(), isOnline: () => false, onStored: vi.fn(), onRefused: vi.fn() });
    await queue.enqueue(item("a"));
    await queue.enqueue(item("a"));
    expect(queue.pending).toHaveLength(1);
  });

  it("gives later messages of a new conversation the id its first message created", async () => {
    const server = fakeServer();
    const queue = new OfflineQueue({ send: server.send, isOnline: server.isUp, onStored: vi.fn(), onRefused: vi.fn() });
    server.setUp(false);
    await queue.enqueue(item("a", null));
    await queue.enqueue(item("b", null));

    server.setUp(true);
    await queue.flush();

    expect(server.send.mock.lastCall?.[0]).toMatchObject({ client_msg_id: "b", conversation_id: 10 });
  });

  it("persists the queue on every change and restores it", async () => {
    const save = vi.fn();
    const queue = new OfflineQueue({
      send: vi.fn(),
      isOnline: () => false,
      onStored: vi.fn(),
      onRefused: vi.fn(),
      save,
    });
    await queue.enqueue(item("a"));
    expect(save).toHaveBeenLastCalledWith([item("a")]);

    const server = fakeServer();
    const restored = new OfflineQueue(
      { send: server.send, isOnline: () => true, onStored: vi.fn(), onRefused: vi.fn() },
      save.mock.lastCall?.[0],
    );
    await restored.flush();
    expect(server.received).toEqual(["a"]);
  });

  it("never has two sends in flight at once", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const send = vi.fn(async (queued: QueuedMessage): Promise<SendResult> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return { ok: true, message: stored(queued, 1) };
    });
    const queue = new OfflineQueue({ send, isOnline: () => true, onStored: vi.fn(), onRefused: vi.fn() });
    await Promise.all([queue.enqueue(item("a")), queue.enqueue(item("b")), queue.flush(), queue.flush()]);
    expect(maxInFlight).toBe(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("keeps an overloaded send at the head, still sending, and sends it again after the server's hint", async () => {
    const server = fakeServer();
    let refusals = 2;
    const send = vi.fn(async (queued: QueuedMessage): Promise<SendResult> => {
      if (refusals > 0) {
        refusals -= 1;
        return { ok: false, error: { code: "overloaded", message: "busy", details: { retry_after_ms: 200 } } };
      }
      return server.send(queued);
    });
    const waits: number[] = [];
    const pendingWhileWaiting: string[][] = [];
    const onRefused = vi.fn();
    const queue: OfflineQueue = new OfflineQueue({
      send,
      isOnline: () => true,
      onStored: vi.fn(),
      onRefused,
      sleep: async (ms) => {
        waits.push(ms);
        pendingWhileWaiting.push(queue.pending.map((queued) => queued.client_msg_id));
      },
    });

    queue.enqueue(item("a"));
    await queue.enqueue(item("b"));

    expect(onRefused).not.toHaveBeenCalled();
    expect(server.received).toEqual(["a", "b"]);
    expect(pendingWhileWaiting).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(150);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Infinity);
  });

  it("backs off from the server's retry hint, doubling up to a ceiling", () => {
    const error = { code: "overloaded", message: "busy", details: { retry_after_ms: 300 } };
    const middle = () => 0.5;
    expect([0, 1, 2].map((attempt) => overloadedWait(error, attempt, middle))).toEqual([300, 600, 1200]);
    expect(overloadedWait({ ...error, details: { retry_after_ms: 1000 } }, 20, middle)).toBe(10_000);
    expect(overloadedWait({ code: "overloaded", message: "busy" }, 0, middle)).toBe(500);
  });
});
