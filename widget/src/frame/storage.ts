/**
 * JSON in the frame's localStorage. Third-party storage can be blocked or
 * partitioned (Safari, private windows): every call tolerates that, and the
 * widget then simply forgets across page loads.
 */

export function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or blocked storage: the in-memory state still works for this page.
  }
}

/** Reads `key`, or else what an earlier version kept under `oldKey` (moved to `key` then). */
export function readMovedJson<T>(key: string, oldKey: string, fallback: T): T {
  const current = readJson<T | null>(key, null);
  if (current !== null) return current;
  const old = readJson<T | null>(oldKey, null);
  if (old === null) return fallback;
  writeJson(key, old);
  writeJson(oldKey, undefined);
  return old;
}
