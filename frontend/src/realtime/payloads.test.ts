import { describe, expect, it } from "vitest";
import { hasUnjoinedProject, unwrap } from "./payloads";

describe("unwrap", () => {
  it("takes the resource from under its name, keeping the event's project_id", () => {
    expect(unwrap<{ id: number }>({ event_id: 9, project_id: 7, message: { id: 4, seq: 2 } }, "message")).toEqual({
      id: 4,
      seq: 2,
      project_id: 7,
    });
  });

  it("refuses an event without the resource under its name (the flat shape is not the contract)", () => {
    expect(unwrap<{ id: number }>({ id: 4, seq: 2, project_id: 7 }, "message")).toBeNull();
  });

  it("ignores what is not an object", () => {
    expect(unwrap(null, "message")).toBeNull();
    expect(unwrap("x", "message")).toBeNull();
  });
});

describe("wireId", () => {
  it("sends digit strings as numbers and leaves other ids alone", async () => {
    const { wireId } = await import("./socket");
    expect(wireId("5")).toBe(5);
    expect(wireId(7)).toBe(7);
    expect(wireId("c_9f")).toBe("c_9f");
  });
});

describe("hasUnjoinedProject", () => {
  it("is true only for a project the connection was not joined to", () => {
    const joined = new Set(["1", "2"]);
    expect(hasUnjoinedProject(joined, [1, "2"])).toBe(false);
    expect(hasUnjoinedProject(joined, [1])).toBe(false);
    expect(hasUnjoinedProject(joined, [1, 2, 3])).toBe(true);
  });
});

describe("parseSyncAck", () => {
  it("reads messages and has_more from the ack, and refuses error acks", async () => {
    const { parseSyncAck } = await import("./socket");
    const message = { id: 1, seq: 3 };
    expect(parseSyncAck({ ok: true, messages: [message], has_more: true })).toEqual({ messages: [message], hasMore: true });
    expect(parseSyncAck({ ok: true, messages: [] })).toEqual({ messages: [], hasMore: false });
    expect(parseSyncAck({ ok: false, error: { code: "conversation_not_found" } })).toBeNull();
    expect(parseSyncAck(null)).toBeNull();
  });
});
