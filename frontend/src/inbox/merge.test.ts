import { describe, expect, it } from "vitest";
import {
  addLatestPage,
  addOlderPage,
  addPending,
  addStoredMessages,
  applyMessageToConversation,
  applyVisitorToConversation,
  contiguousMaxSeq,
  emptyTimeline,
  hasGapBefore,
  matchesFilter,
  mergeConversation,
  mergeMessages,
  sortConversations,
  updatePending,
  visibleConversations,
} from "./merge";
import type { PendingMessage, Timeline } from "./merge";
import { makeConversation, makeMessage } from "./testData";

const seqs = (timeline: Timeline) => timeline.messages.map((message) => message.seq);

function pending(clientMsgId: string, change: Partial<PendingMessage> = {}): PendingMessage {
  return {
    client_msg_id: clientMsgId,
    conversation_id: 1,
    content: "hello",
    private: false,
    created_at: new Date().toISOString(),
    state: "sending",
    error: null,
    files: [],
    attachments: [],
    ...change,
  };
}

describe("mergeMessages", () => {
  it("appends newer messages in seq order", () => {
    const merged = mergeMessages([makeMessage(1), makeMessage(2)], [makeMessage(4), makeMessage(3)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it("drops a message whose seq is already held", () => {
    const original = makeMessage(2, { content: "first copy" });
    const merged = mergeMessages([makeMessage(1), original], [makeMessage(2, { content: "replayed" }), makeMessage(3)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[1]).toBe(original);
  });

  it("de-duplicates within one incoming batch", () => {
    expect(mergeMessages([], [makeMessage(5), makeMessage(5), makeMessage(6)]).map((m) => m.seq)).toEqual([5, 6]);
  });

  it("interleaves an older page with held messages", () => {
    const merged = mergeMessages([makeMessage(5), makeMessage(8)], [makeMessage(6), makeMessage(7), makeMessage(5)]);
    expect(merged.map((m) => m.seq)).toEqual([5, 6, 7, 8]);
  });

  it("returns the same array when nothing arrives", () => {
    const existing = [makeMessage(1)];
    expect(mergeMessages(existing, [])).toBe(existing);
  });
});

describe("timeline pages and live events", () => {
  it("keeps a live message that arrived before the first page", () => {
    const live = addStoredMessages(emptyTimeline, [makeMessage(51)]);
    const page = Array.from({ length: 50 }, (_, index) => makeMessage(index + 2));
    const timeline = addLatestPage(live, page, 50);
    expect(seqs(timeline)).toEqual(Array.from({ length: 50 }, (_, index) => index + 2));
    expect(timeline.loaded).toBe(true);
    expect(timeline.hasOlder).toBe(true);
  });

  it("has nothing older once seq 1 is held", () => {
    const timeline = addLatestPage(emptyTimeline, [makeMessage(1), makeMessage(2)], 50);
    expect(timeline.hasOlder).toBe(false);
  });

  it("prepends an older page and stops at the first message", () => {
    let timeline = addLatestPage(emptyTimeline, [makeMessage(3), makeMessage(4)], 2);
    expect(timeline.hasOlder).toBe(true);
    timeline = addOlderPage({ ...timeline, loadingOlder: true }, [makeMessage(1), makeMessage(2)]);
    expect(seqs(timeline)).toEqual([1, 2, 3, 4]);
    expect(timeline.hasOlder).toBe(false);
    expect(timeline.loadingOlder).toBe(false);
  });

  it("stops paging when an older page comes back empty", () => {
    const timeline = addOlderPage({ ...addLatestPage(emptyTimeline, [makeMessage(3)], 1), loadingOlder: true }, []);
    expect(timeline.hasOlder).toBe(false);
  });

  it("detects a gap between the held messages and a live one", () => {
    const timeline = addLatestPage(emptyTimeline, [makeMessage(1), makeMessage(2)], 50);
    expect(hasGapBefore(timeline, makeMessage(3))).toBe(false);
    expect(hasGapBefore(timeline, makeMessage(5))).toBe(true);
    expect(hasGapBefore(emptyTimeline, makeMessage(5))).toBe(false);
  });
});

describe("contiguousMaxSeq", () => {
  it("stops before the first hole", () => {
    expect(contiguousMaxSeq([makeMessage(3), makeMessage(4), makeMessage(7)])).toBe(4);
    expect(contiguousMaxSeq([makeMessage(3), makeMessage(4)])).toBe(4);
    expect(contiguousMaxSeq([])).toBe(0);
  });
});

describe("optimistic sends", () => {
  it("replaces the pending copy when the stored message with its client_msg_id arrives", () => {
    let timeline = addPending(addLatestPage(emptyTimeline, [makeMessage(1)], 50), pending("abc"));
    expect(timeline.pending).toHaveLength(1);
    timeline = addStoredMessages(timeline, [makeMessage(2, { client_msg_id: "abc", sender_type: "agent" })]);
    expect(timeline.pending).toHaveLength(0);
    expect(seqs(timeline)).toEqual([1, 2]);
  });

  it("does not duplicate when both the socket echo and the POST answer arrive", () => {
    const stored = makeMessage(2, { client_msg_id: "abc", sender_type: "agent" });
    let timeline = addPending(emptyTimeline, pending("abc"));
    timeline = addStoredMessages(timeline, [stored]);
    timeline = addStoredMessages(timeline, [{ ...stored }]);
    expect(seqs(timeline)).toEqual([2]);
    expect(timeline.pending).toEqual([]);
  });

  it("marks a failed send and back to sending on retry", () => {
    let timeline = addPending(emptyTimeline, pending("abc"));
    timeline = updatePending(timeline, "abc", { state: "failed", error: "offline" });
    expect(timeline.pending[0]).toMatchObject({ state: "failed", error: "offline" });
    timeline = updatePending(timeline, "abc", { state: "sending", error: null });
    expect(timeline.pending[0]).toMatchObject({ state: "sending", error: null });
  });

  it("leaves the timeline untouched when updating an unknown pending message", () => {
    const timeline = addPending(emptyTimeline, pending("abc"));
    expect(updatePending(timeline, "zzz", { state: "failed" })).toBe(timeline);
  });
});

describe("conversation summaries", () => {
  it("sorts by last activity, newest first, falling back to creation time", () => {
    const older = makeConversation(1, { last_message_at: "2025-01-01T12:00:00Z" });
    const newer = makeConversation(2, { last_message_at: "2025-01-01T13:00:00Z" });
    const fresh = makeConversation(3, { last_message_at: null, created_at: "2025-01-01T12:30:00Z" });
    expect(sortConversations([older, newer, fresh]).map((c) => c.id)).toEqual([2, 3, 1]);
  });

  it("counts a visitor message once, even when replayed", () => {
    let conversation = makeConversation(1, { last_seq: 4, unread_count: 1 });
    conversation = applyMessageToConversation(conversation, makeMessage(5), false);
    conversation = applyMessageToConversation(conversation, makeMessage(5), false);
    expect(conversation.unread_count).toBe(2);
    expect(conversation.last_seq).toBe(5);
    expect(conversation.last_message?.content).toBe("message 5");
  });

  it("does not count messages while the agent is reading the conversation", () => {
    const conversation = applyMessageToConversation(makeConversation(1, { unread_count: 3 }), makeMessage(1), true);
    expect(conversation.unread_count).toBe(0);
  });

  it("does not count the agent's own messages", () => {
    const conversation = applyMessageToConversation(
      makeConversation(1),
      makeMessage(1, { sender_type: "agent" }),
      false,
    );
    expect(conversation.unread_count).toBe(0);
  });

  it("never moves last_seq or last activity back on an out-of-order update", () => {
    const current = makeConversation(1, {
      last_seq: 9,
      last_message_at: "2025-01-01T13:00:00Z",
      last_message: { content: "newest", sender_type: "visitor", created_at: "2025-01-01T13:00:00Z", private: false },
    });
    const stale = makeConversation(1, {
      last_seq: 7,
      status: "resolved",
      last_message_at: "2025-01-01T12:00:00Z",
      last_message: { content: "older", sender_type: "visitor", created_at: "2025-01-01T12:00:00Z", private: false },
      visitor: undefined,
    });
    const merged = mergeConversation(current, stale);
    expect(merged.status).toBe("resolved");
    expect(merged.last_seq).toBe(9);
    expect(merged.last_message_at).toBe("2025-01-01T13:00:00Z");
    expect(merged.last_message?.content).toBe("newest");
    expect(merged.visitor?.name).toBe("Visitor 1");
  });

  it("updates the visitor's online state only in that visitor's conversations", () => {
    const mine = makeConversation(1);
    const other = makeConversation(2);
    expect(applyVisitorToConversation(mine, { id: mine.visitor_id, online: false }).visitor?.online).toBe(false);
    expect(applyVisitorToConversation(other, { id: mine.visitor_id, online: false })).toBe(other);
  });
});

describe("filters", () => {
  const filter = { assignee: "me" as const, status: "open" as const, q: "" };

  it("matches status and assignee", () => {
    expect(matchesFilter(makeConversation(1, { assignee_id: 5 }), filter, 5)).toBe(true);
    expect(matchesFilter(makeConversation(1, { assignee_id: 6 }), filter, 5)).toBe(false);
    expect(matchesFilter(makeConversation(1, { assignee_id: 5, status: "resolved" }), filter, 5)).toBe(false);
    expect(matchesFilter(makeConversation(1), { ...filter, assignee: "none" }, 5)).toBe(true);
  });

  it("checks search text only when asked", () => {
    const conversation = makeConversation(1, { assignee_id: 5 });
    expect(matchesFilter(conversation, { ...filter, q: "visitor 1" }, 5)).toBe(true);
    expect(matchesFilter(conversation, { ...filter, q: "refund" }, 5)).toBe(false);
    expect(matchesFilter(conversation, { ...filter, q: "refund" }, 5, false)).toBe(true);
  });

  it("hides a listed conversation resolved live, but keeps the open one", () => {
    const resolved = makeConversation(1, { status: "resolved" });
    const open = makeConversation(2);
    const known = { "1": resolved, "2": open };
    const listed = { "1": true, "2": true } as const;
    const anyOpen = { assignee: "all" as const, status: "open" as const, q: "" };
    expect(visibleConversations(known, listed, anyOpen, 5, null).map((c) => c.id)).toEqual([2]);
    expect(visibleConversations(known, listed, anyOpen, 5, 1).map((c) => c.id)).toEqual([2, 1]);
  });
});
