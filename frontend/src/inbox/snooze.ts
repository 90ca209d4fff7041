export type SnoozeChoice = "1h" | "4h" | "tomorrow" | "nextWeek";

/** When a snooze choice ends: tomorrow and next week mean 9:00 local time. */
export function snoozeUntil(choice: SnoozeChoice, now: Date): Date {
  const until = new Date(now);
  switch (choice) {
    case "1h":
      return new Date(now.getTime() + 3600_000);
    case "4h":
      return new Date(now.getTime() + 4 * 3600_000);
    case "tomorrow":
      until.setDate(until.getDate() + 1);
      break;
    case "nextWeek":
      // Next Monday.
      until.setDate(until.getDate() + ((8 - until.getDay()) % 7 || 7));
      break;
  }
  until.setHours(9, 0, 0, 0);
  return until;
}
