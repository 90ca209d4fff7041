/** The Socket.IO implementation of Transport, on the `/widget` namespace. */
import { io } from "socket.io-client";
import type { Answer, Transport } from "./transport";

const ACK_TIMEOUT_MS = 10_000;

export function connectSocket(auth: { project_key: string; visitor_token: string }): Transport {
  // The frame is served by the app, so the namespace is on this origin.
  // WebSocket first (no sticky sessions needed for it), long-polling if a proxy blocks it.
  const socket = io("/widget", {
    path: "/socket.io",
    auth,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });
  const refusedListeners: ((error: unknown) => void)[] = [];

  socket.on("connect_error", (error) => {
    // An error from the server's connect handler leaves the socket inactive:
    // socket.io will not retry by itself, the controller decides.
    if (!socket.active) refusedListeners.forEach((listener) => listener(error));
  });
  socket.on("disconnect", () => {
    // What we emitted while the link was failing sits in socket.io's buffer and
    // would go out on reconnect; the offline queue resends what matters itself.
    socket.sendBuffer = [];
  });

  return {
    get isConnected() {
      return socket.connected;
    },
    request(event, payload) {
      if (!socket.connected) return Promise.reject(new Error("not connected"));
      const timed = socket.timeout(ACK_TIMEOUT_MS);
      // The server answers by the realtime contract (its tests validate every ack).
      return (payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload)) as Promise<
        Answer<typeof event>
      >;
    },
    emit(event, payload) {
      if (socket.connected) socket.volatile.emit(event, payload);
    },
    on(event, listener) {
      // socket.io's listeners are untyped: the contract types what they receive.
      const handler = listener as (payload: unknown) => void;
      if (event === "refused") refusedListeners.push(handler);
      else socket.on(event as string, handler);
    },
    reconnect(nextAuth) {
      if (nextAuth) socket.auth = nextAuth;
      socket.disconnect().connect();
    },
    close() {
      socket.disconnect();
    },
  };
}
