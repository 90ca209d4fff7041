/**
 * Holds public API calls (`LiveChat.open()`, `setUser()` …) made before the
 * widget is allowed to run, and replays them in order once it is. When the
 * project refuses this page, queued and later calls are dropped silently
 * (the loader has already said why in the console).
 */

export interface ApiQueue {
  /** Runs `call` now when running, keeps it while waiting, ignores it once dropped. */
  run(call: () => void): void;
  /** Replays the queued calls in order; later calls run immediately. */
  start(): void;
  /** Forgets queued calls and ignores every later one. */
  drop(): void;
}

export function createApiQueue(): ApiQueue {
  // The calls waiting; null once running.
  let calls: (() => void)[] | null = [];
  let isDropped = false;

  // One failing call (bad arguments from the host page) must not stop the others.
  const safely = (call: () => void) => {
    try {
      call();
    } catch (error) {
      console.error("LiveChat:", error);
    }
  };

  return {
    run(call) {
      if (isDropped) return;
      if (calls) calls.push(call);
      else safely(call);
    },
    start() {
      if (isDropped || !calls) return;
      const pending = calls;
      calls = null;
      pending.forEach(safely);
    },
    drop() {
      isDropped = true;
      calls = [];
    },
  };
}
