import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const APP = "https://chat.example.com";

function addScript(projectKey = "pk_test") {
  const script = document.createElement("script");
  script.src = APP + "/widget/loader.js";
  script.dataset.projectKey = projectKey;
  document.head.appendChild(script);
}

function answer(status: number, json: unknown) {
  return vi.fn(
    async () => new Response(JSON.stringify(json), { status, headers: { "Content-Type": "application/json" } }),
  );
}

async function bootLoader() {
  vi.resetModules();
  await import("../src/loader/index");
  // Let the session call and its continuation run.
  await vi.waitFor(() => expect((fetch as unknown as ReturnType<typeof vi.fn>).mock.calls.length).toBeGreaterThan(0));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("loader", () => {
  beforeEach(() => {
    document.head.innerHTML = "";
    document.body.innerHTML = "";
    localStorage.clear();
    delete window.LiveChat;
    // happy-dom reports that it does not load the iframe's page; that is expected here.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("draws nothing and says why when the page's origin is refused", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.stubGlobal("fetch", answer(403, { error: { code: "origin_not_allowed", message: "no", details: {} } }));
    addScript();

    await bootLoader();

    expect(document.getElementById("livechat-widget")).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("origin"));
    expect(warn.mock.calls[0]?.[0]).toContain("not allowed");
    // The API exists but does nothing.
    expect(() => window.LiveChat!.open()).not.toThrow();
    expect(document.querySelector("iframe")).toBeNull();
  });

  it("draws the launcher and stores the visitor token per project", async () => {
    vi.stubGlobal("fetch", answer(200, { visitor_token: "vt_1", visitor: { id: 7 }, config: {} }));
    addScript("pk_shop");

    await bootLoader();

    expect(document.getElementById("livechat-widget")).not.toBeNull();
    expect(JSON.parse(localStorage.getItem("livechat:pk_shop")!)).toMatchObject({ token: "vt_1" });
  });

  it("sends the stored token and the page on the session call", async () => {
    localStorage.setItem("livechat:pk_shop", JSON.stringify({ token: "vt_old" }));
    const fetch = answer(200, { visitor_token: "vt_old", visitor: { id: 7 }, config: {} });
    vi.stubGlobal("fetch", fetch);
    addScript("pk_shop");

    await bootLoader();

    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(APP + "/api/v1/widget/session");
    const sent = JSON.parse(init.body as string);
    expect(sent).toMatchObject({ project_key: "pk_shop", visitor_token: "vt_old", page: { url: location.href } });
  });

  it("queues API calls made before the session answers", async () => {
    let release: (value: Response) => void = () => undefined;
    vi.stubGlobal(
      "fetch",
      vi.fn(() => new Promise<Response>((resolve) => (release = resolve))),
    );
    addScript();
    vi.resetModules();
    await import("../src/loader/index");
    const opened = vi.fn();
    window.LiveChat!.on("open", opened);

    window.LiveChat!.open();
    expect(opened).not.toHaveBeenCalled();

    release(new Response(JSON.stringify({ visitor_token: "vt", visitor: { id: 1 }, config: {} }), { status: 200 }));
    await vi.waitFor(() => expect(opened).toHaveBeenCalledOnce());
    expect(document.getElementById("livechat-widget")).not.toBeNull();
  });

  it("sends setUser details with the visitor token on a new session call", async () => {
    const fetch = answer(200, { visitor_token: "vt_1", visitor: { id: 7 }, config: {} });
    vi.stubGlobal("fetch", fetch);
    addScript("pk_shop");
    await bootLoader();

    window.LiveChat!.setUser("user-42", { name: "Ada", email: "ada@example.com", identifier_hash: "abc" });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));

    const sent = JSON.parse((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body as string);
    expect(sent).toMatchObject({
      visitor_token: "vt_1",
      identifier: "user-42",
      identifier_hash: "abc",
      name: "Ada",
      email: "ada@example.com",
    });
  });

  it("starts a new visitor when another user signs in on this browser", async () => {
    localStorage.setItem("livechat:pk_shop", JSON.stringify({ token: "vt_alice", identifier: "alice" }));
    const fetch = answer(200, { visitor_token: "vt_alice", visitor: { id: 1 }, config: {} });
    vi.stubGlobal("fetch", fetch);
    addScript("pk_shop");
    await bootLoader();

    window.LiveChat!.setUser("bob");
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));

    const sent = JSON.parse((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body as string);
    expect(sent.visitor_token).toBeUndefined();
    expect(sent.identifier).toBe("bob");
  });

  it("forgets the visitor on reset", async () => {
    const fetch = answer(200, { visitor_token: "vt_1", visitor: { id: 7 }, config: {} });
    vi.stubGlobal("fetch", fetch);
    addScript("pk_shop");
    await bootLoader();

    window.LiveChat!.reset();
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));

    const sent = JSON.parse((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body as string);
    expect(sent.visitor_token).toBeUndefined();
  });

  it("warns when the script tag has no project key", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.stubGlobal("fetch", vi.fn());
    const script = document.createElement("script");
    script.src = APP + "/widget/loader.js";
    document.head.appendChild(script);
    vi.resetModules();
    await import("../src/loader/index");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("data-project-key"));
    expect(fetch).not.toHaveBeenCalled();
  });
});
