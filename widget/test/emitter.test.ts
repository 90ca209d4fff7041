import { describe, expect, it, vi } from "vitest";
import { createEmitter } from "../src/loader/emitter";

interface Events {
  unread: number;
  open: undefined;
}

describe("emitter", () => {
  it("passes the payload to every listener of the event", () => {
    const events = createEmitter<Events>();
    const first = vi.fn();
    const second = vi.fn();
    events.on("unread", first);
    events.on("unread", second);
    events.emit("unread", 3);
    expect(first).toHaveBeenCalledWith(3);
    expect(second).toHaveBeenCalledWith(3);
  });

  it("stops calling a listener after it unsubscribes", () => {
    const events = createEmitter<Events>();
    const listener = vi.fn();
    const off = events.on("open", listener);
    off();
    events.emit("open", undefined);
    expect(listener).not.toHaveBeenCalled();
  });

  it("does not call listeners of other events", () => {
    const events = createEmitter<Events>();
    const listener = vi.fn();
    events.on("open", listener);
    events.emit("unread", 1);
    expect(listener).not.toHaveBeenCalled();
  });
});
