import type { Id } from "../api/types";

type WithProject = { project_id?: Id };

/** The resource an event carries under its name (ARCHITECTURE.md §6), with the event's project_id; null if absent. */
export function unwrap<T extends object>(payload: unknown, name: string): (T & WithProject) | null {
  if (!payload || typeof payload !== "object") return null;
  const outer = payload as Record<string, unknown> & WithProject;
  const inner = outer[name];
  if (!inner || typeof inner !== "object") return null;
  const resource = inner as T & WithProject;
  return { ...resource, project_id: resource.project_id ?? outer.project_id };
}

/** True when `current` holds a project the socket's rooms (joined at connect time) do not cover. */
export function hasUnjoinedProject(joined: ReadonlySet<string>, current: Iterable<Id>): boolean {
  for (const id of current) if (!joined.has(String(id))) return true;
  return false;
}
