/**
 * A minimal event emitter for `LiveChat.on(event, fn)`; `on` returns the
 * unsubscribe function. Built on the DOM's EventTarget so that a throwing
 * host-page listener is reported by the browser without stopping the others.
 */

export type Listener<T> = (payload: T) => void;

export interface Emitter<Events> {
  on<K extends keyof Events & string>(event: K, fn: Listener<Events[K]>): () => void;
  emit<K extends keyof Events & string>(event: K, payload: Events[K]): void;
}

export function createEmitter<Events>(): Emitter<Events> {
  const target = new EventTarget();
  return {
    on(event, fn) {
      const listener = (e: Event) => fn((e as CustomEvent).detail);
      target.addEventListener(event, listener);
      return () => target.removeEventListener(event, listener);
    },
    emit(event, payload) {
      target.dispatchEvent(new CustomEvent(event, { detail: payload }));
    },
  };
}
