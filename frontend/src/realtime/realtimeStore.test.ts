import { beforeEach, describe, expect, it } from "vitest";
import type { AgentPresence, Id } from "../api/types";
import { useRealtimeStore } from "./realtimeStore";

describe("team presence", () => {
  beforeEach(() => useRealtimeStore.setState({ presence: {} }));

  it("loads the snapshot from GET /presence", async () => {
    const calls: Id[] = [];
    await useRealtimeStore.getState().loadPresence(3, async (projectId) => {
      calls.push(projectId);
      return {
        items: [
          { user_id: 1, status: "online" },
          { user_id: 2, status: "away" },
          { user_id: 4, status: "offline" },
        ],
      };
    });
    expect(calls).toEqual([3]);
    expect(useRealtimeStore.getState().presence).toEqual({ "1": "online", "2": "away", "4": "offline" });
  });

  it("keeps a live event that arrived while the snapshot was loading", async () => {
    let answer: (value: { items: AgentPresence[] }) => void = () => undefined;
    const loading = useRealtimeStore.getState().loadPresence(3, () => new Promise((resolve) => (answer = resolve)));
    useRealtimeStore.getState().receivePresence(1, "away");
    answer({
      items: [
        { user_id: 1, status: "online" },
        { user_id: 2, status: "online" },
      ],
    });
    await loading;
    expect(useRealtimeStore.getState().presence).toEqual({ "1": "away", "2": "online" });
    // Later events apply as usual.
    useRealtimeStore.getState().receivePresence(2, "offline");
    expect(useRealtimeStore.getState().presence["2"]).toBe("offline");
  });

  it("keeps what it knows when the snapshot fails", async () => {
    useRealtimeStore.getState().receivePresence(5, "online");
    await useRealtimeStore.getState().loadPresence(3, async () => Promise.reject(new Error("offline")));
    expect(useRealtimeStore.getState().presence).toEqual({ "5": "online" });
  });
});
