import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiQueue } from "../src/loader/api-queue";

describe("api queue", () => {
  afterEach(() => vi.restoreAllMocks());

  it("holds calls made before start and replays them in order", () => {
    const queue = createApiQueue();
    const calls: string[] = [];
    queue.run(() => calls.push("setUser"));
    queue.run(() => calls.push("open"));
    expect(calls).toEqual([]);

    queue.start();

    expect(calls).toEqual(["setUser", "open"]);
  });

  it("runs calls immediately once started", () => {
    const queue = createApiQueue();
    queue.start();
    const call = vi.fn();
    queue.run(call);
    expect(call).toHaveBeenCalledOnce();
  });

  it("replays the queue only once even when started twice", () => {
    const queue = createApiQueue();
    const call = vi.fn();
    queue.run(call);
    queue.start();
    queue.start();
    expect(call).toHaveBeenCalledOnce();
  });

  it("drops queued and later calls when the widget is refused", () => {
    const queue = createApiQueue();
    const early = vi.fn();
    const late = vi.fn();
    queue.run(early);
    queue.drop();
    queue.run(late);
    queue.start();
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it("keeps replaying after one queued call throws", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const queue = createApiQueue();
    const after = vi.fn();
    queue.run(() => {
      throw new Error("bad arguments");
    });
    queue.run(after);
    queue.start();
    expect(after).toHaveBeenCalledOnce();
    expect(console.error).toHaveBeenCalled();
  });
});
