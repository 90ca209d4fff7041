import { afterEach, describe, expect, it, vi } from "vitest";
import { loadVisitor, requestSession, saveVisitor } from "../src/loader/session";

const body = { project_key: "pk_test", page: { url: "https://shop.example/", title: "Shop", referrer: "" } };

function answer(status: number, json: unknown) {
  return vi.fn(
    async () => new Response(JSON.stringify(json), { status, headers: { "Content-Type": "application/json" } }),
  );
}

describe("session request", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("posts the request to the app origin and returns the session", async () => {
    const session = { visitor_token: "vt_1", visitor: { id: 1 }, config: { color: "#112233" } };
    const fetch = answer(200, session);
    vi.stubGlobal("fetch", fetch);

    const outcome = await requestSession("https://chat.example.com", body);

    expect(outcome).toEqual({ ok: true, session });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://chat.example.com/api/v1/widget/session");
    expect(init.method).toBe("POST");
    expect(JSON.parse(init.body as string)).toEqual(body);
  });

  it("reports origin_not_allowed as final", async () => {
    vi.stubGlobal("fetch", answer(403, { error: { code: "origin_not_allowed", message: "Origin not allowed" } }));
    const outcome = await requestSession("https://chat.example.com", body);
    expect(outcome).toMatchObject({ ok: false, error: { code: "origin_not_allowed" }, isRetryable: false });
  });

  it("marks server errors and network failures as retryable", async () => {
    vi.stubGlobal("fetch", answer(503, {}));
    expect(await requestSession("https://chat.example.com", body)).toMatchObject({ ok: false, isRetryable: true });

    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    expect(await requestSession("https://chat.example.com", body)).toMatchObject({ ok: false, isRetryable: true });
  });
});

describe("visitor storage", () => {
  it("keeps the token per project and forgets it on reset", () => {
    saveVisitor("pk_a", { token: "vt_a", identifier: "u1" });
    saveVisitor("pk_b", { token: "vt_b" });
    expect(loadVisitor("pk_a")).toEqual({ token: "vt_a", identifier: "u1" });
    expect(loadVisitor("pk_b")).toEqual({ token: "vt_b" });

    saveVisitor("pk_a", null);
    expect(loadVisitor("pk_a")).toEqual({});
  });

  it("treats corrupted storage as a first visit", () => {
    localStorage.setItem("livechat:pk_c", "{not json");
    expect(loadVisitor("pk_c")).toEqual({});
  });
});
