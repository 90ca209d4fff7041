import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchAttachment, isOwnAttachment, UploadError, uploadAttachment } from "../src/frame/api";

describe("uploadAttachment", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("posts the file as multipart with the visitor token as Bearer", async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ id: 5, url: "/files/5", name: "a.txt" }), { status: 201 }),
    );
    vi.stubGlobal("fetch", fetch);

    const attachment = await uploadAttachment(new File(["hi"], "a.txt", { type: "text/plain" }), "vt_1");

    expect(attachment).toMatchObject({ id: 5, url: "/files/5" });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/widget/attachments");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer vt_1");
    expect((init.body as FormData).get("file")).toBeInstanceOf(File);
  });

  it("accepts the attachment wrapped in {attachment}", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ attachment: { id: 6, url: "/f/6" } }), { status: 201 })),
    );
    expect(await uploadAttachment(new File(["x"], "x.png"), "vt")).toMatchObject({ id: 6 });
  });

  it("raises the server's error envelope with the status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: "file_too_large", message: "Too large" } }), { status: 413 }),
      ),
    );
    await expect(uploadAttachment(new File(["x"], "x.bin"), "vt")).rejects.toMatchObject({
      status: 413,
      error: { code: "file_too_large" },
    });
  });

  it("raises a network error with status 0 when the request fails", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const failure = await uploadAttachment(new File(["x"], "x.bin"), "vt").catch((error) => error);
    expect(failure).toBeInstanceOf(UploadError);
    expect(failure.status).toBe(0);
  });
});

describe("isOwnAttachment", () => {
  it("is true only for the app's own attachment URLs", () => {
    expect(isOwnAttachment(`${location.origin}/api/v1/attachments/5`)).toBe(true);
    expect(isOwnAttachment("/api/v1/attachments/6")).toBe(true);
    expect(isOwnAttachment("https://cdn.example.net/api/v1/attachments/5")).toBe(false);
    expect(isOwnAttachment(`${location.origin}/files/5`)).toBe(false);
  });
});

describe("fetchAttachment", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends the visitor token as Bearer and fails on an error status", async () => {
    const fetch = vi.fn(async () => new Response("nope", { status: 404 }));
    vi.stubGlobal("fetch", fetch);
    await expect(fetchAttachment("/api/v1/attachments/5", "vt")).rejects.toThrow("HTTP 404");
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/attachments/5");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer vt");
  });
});
