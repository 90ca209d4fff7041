import { describe, expect, it, vi } from "vitest";
import { createBridge } from "../src/shared/bridge";
import { SOURCE } from "../src/shared/protocol";

const FRAME_ORIGIN = "https://chat.example.com";

function fakePeer() {
  return { postMessage: vi.fn() } as unknown as Window & { postMessage: ReturnType<typeof vi.fn> };
}

function deliver(data: unknown, origin: string, source: unknown) {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
}

function setup() {
  const peer = fakePeer();
  const received: [string, unknown][] = [];
  const bridge = createBridge<Record<string, unknown>, Record<string, unknown>>({
    self: window,
    peer: () => peer,
    peerOrigin: FRAME_ORIGIN,
    onMessage: (type, payload) => received.push([type, payload]),
  });
  return { peer, received, bridge };
}

describe("bridge", () => {
  it("queues messages until the peer is open, then sends them in order", () => {
    const { peer, bridge } = setup();
    bridge.send("session", { visitor_token: "t" });
    bridge.send("visibility", { open: true });
    expect(peer.postMessage).not.toHaveBeenCalled();

    bridge.open();

    expect(peer.postMessage.mock.calls).toEqual([
      [{ source: SOURCE, type: "session", payload: { visitor_token: "t" } }, FRAME_ORIGIN],
      [{ source: SOURCE, type: "visibility", payload: { open: true } }, FRAME_ORIGIN],
    ]);
  });

  it("posts directly once open, always to the peer's exact origin", () => {
    const { peer, bridge } = setup();
    bridge.open();
    bridge.send("locale", { code: "fr" });
    expect(peer.postMessage).toHaveBeenCalledWith(
      { source: SOURCE, type: "locale", payload: { code: "fr" } },
      FRAME_ORIGIN,
    );
    expect(peer.postMessage.mock.calls.every(([, origin]) => origin !== "*")).toBe(true);
  });

  it("accepts a message from the peer window and origin", () => {
    const { peer, received } = setup();
    deliver({ source: SOURCE, type: "ready", payload: null }, FRAME_ORIGIN, peer);
    expect(received).toEqual([["ready", null]]);
  });

  it("ignores a message from another origin", () => {
    const { peer, received } = setup();
    deliver({ source: SOURCE, type: "close", payload: null }, "https://evil.example", peer);
    expect(received).toEqual([]);
  });

  it("ignores a message from another window even with the right origin", () => {
    const { received } = setup();
    deliver({ source: SOURCE, type: "close", payload: null }, FRAME_ORIGIN, fakePeer());
    expect(received).toEqual([]);
  });

  it("ignores other scripts' messages that are not ours", () => {
    const { peer, received } = setup();
    deliver({ type: "close" }, FRAME_ORIGIN, peer);
    deliver("hello", FRAME_ORIGIN, peer);
    deliver(null, FRAME_ORIGIN, peer);
    expect(received).toEqual([]);
  });

  it("drops nothing while the peer window does not exist yet", () => {
    let peer: Window | null = null;
    const bridge = createBridge<Record<string, unknown>, Record<string, unknown>>({
      self: window,
      peer: () => peer,
      peerOrigin: FRAME_ORIGIN,
      onMessage: () => undefined,
    });
    bridge.send("session", 1);
    peer = fakePeer();
    bridge.open();
    expect((peer as unknown as { postMessage: ReturnType<typeof vi.fn> }).postMessage).toHaveBeenCalledTimes(1);
  });
});
