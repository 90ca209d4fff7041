import { describe, expect, it } from "vitest";
import { toQueryString } from "../api/client";
import { conversationQuery } from "./inboxApi";

describe("conversationQuery", () => {
  it("sends no assignee for 'all' (the server's 'any' means assigned to someone)", () => {
    expect(conversationQuery({ assignee: "all", status: "open", q: "" }, null)).toMatchObject({
      assignee: undefined,
      status: "open",
    });
    expect(toQueryString(conversationQuery({ assignee: "all", status: "all", q: "" }, null))).toBe("?limit=30");
  });

  it("passes me and none through, with status, the search as q and the cursor", () => {
    expect(toQueryString(conversationQuery({ assignee: "me", status: "snoozed", q: " refund " }, "c1"))).toBe(
      "?status=snoozed&assignee=me&q=refund&cursor=c1&limit=30",
    );
    expect(conversationQuery({ assignee: "none", status: "resolved", q: "" }, null).assignee).toBe("none");
  });
});
