import type { Id } from "../api/types";

/** True when `current` holds a project the socket's rooms (joined at connect time) do not cover. */
export function hasUnjoinedProject(joined: ReadonlySet<Id>, current: Iterable<Id>): boolean {
  for (const id of current) if (!joined.has(id)) return true;
  return false;
}
