/**
 * Holds public API calls (`LiveChat.open()`, `setUser()` …) made before the
 * widget is allowed to run, and replays them in order once it is. When the
 * project refuses this page, queued and later calls are dropped silently
 * (the loader has already said why in the console).
 */

const enum State {
  Waiting,
  Running,
  Dropped,
}

export interface ApiQueue {
  /** Runs `call` now when running, keeps it when waiting, ignores it when dropped. */
  run(call: () => void): void;
  /** Replays the queued calls in order; later calls run immediately. */
  start(): void;
  /** Forgets queued calls and ignores every later one. */
  drop(): void;
}

export function createApiQueue(): ApiQueue {
  let state = State.Waiting;
  let calls: (() => void)[] = [];

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
      if (state === State.Running) safely(call);
      else if (state === State.Waiting) calls.push(call);
    },
    start() {
      if (state !== State.Waiting) return;
      state = State.Running;
      const pending = calls;
      calls = [];
      pending.forEach(safely);
    },
    drop() {
      state = State.Dropped;
      calls = [];
    },
  };
}
