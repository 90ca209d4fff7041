import { describe, expect, it } from "vitest";
import { parseId } from "../app/ids";
import { hasUnjoinedProject } from "./payloads";

describe("parseId", () => {
  it("reads a route's digits as the id and refuses anything else", () => {
    expect(parseId("5")).toBe(5);
    expect(parseId("c_9f")).toBeNull();
    expect(parseId("0")).toBeNull();
    expect(parseId("1e3")).toBeNull();
    expect(parseId(undefined)).toBeNull();
  });
});

describe("hasUnjoinedProject", () => {
  it("is true only for a project the connection was not joined to", () => {
    const joined = new Set([1, 2]);
    expect(hasUnjoinedProject(joined, [1, 2])).toBe(false);
    expect(hasUnjoinedProject(joined, [1])).toBe(false);
    expect(hasUnjoinedProject(joined, [1, 2, 3])).toBe(true);
  });
});

describe("parseSyncAck", () => {
  it("reads messages and has_more from the ack, and refuses error acks", async () => {
    const { parseSyncAck } = await import("./socket");
    const message = { id: 1, seq: 3 };
    expect(parseSyncAck({ ok: true, messages: [message], has_more: true })).toEqual({
      messages: [message],
      hasMore: true,
    });
    expect(parseSyncAck({ ok: true, messages: [] })).toEqual({ messages: [], hasMore: false });
    expect(parseSyncAck({ ok: false, error: { code: "conversation_not_found" } })).toBeNull();
    expect(parseSyncAck(null)).toBeNull();
  });
});
