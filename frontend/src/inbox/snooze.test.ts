import { describe, expect, it } from "vitest";
import { snoozeUntil } from "./snooze";

describe("snoozeUntil", () => {
  const wednesday = new Date(2025, 0, 8, 15, 30);

  it("adds hours", () => {
    expect(snoozeUntil("1h", wednesday).getTime() - wednesday.getTime()).toBe(3600_000);
  });

  it("means 9:00 tomorrow and 9:00 next Monday", () => {
    expect(snoozeUntil("tomorrow", wednesday)).toEqual(new Date(2025, 0, 9, 9, 0));
    expect(snoozeUntil("nextWeek", wednesday)).toEqual(new Date(2025, 0, 13, 9, 0));
    expect(snoozeUntil("nextWeek", new Date(2025, 0, 13, 8, 0))).toEqual(new Date(2025, 0, 20, 9, 0));
  });
});
