import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, errorMessage, REFRESH_TOKEN_KEY, toQueryString } from "./client";

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const user = { id: 1, email: "a@example.com", name: "Ada" };

/** A fake API whose access tokens expire when told, with rotating refresh tokens. */
function fakeBackend() {
  let generation = 1;
  const spent = new Set<string>();
  const refreshCalls: string[] = [];
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    if (url.endsWith("/auth/refresh")) {
      const { refresh_token } = JSON.parse(String(init?.body));
      refreshCalls.push(refresh_token);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (spent.has(refresh_token) || refresh_token !== `refresh-${generation}`) {
        return json(401, { error: { code: "token_revoked", message: "Session ended", details: {} } });
      }
      spent.add(refresh_token);
      generation += 1;
      return json(200, {
        access_token: `access-${generation}`,
        refresh_token: `refresh-${generation}`,
        expires_in: 900,
        user,
      });
    }
    if (headers.Authorization !== `Bearer access-${generation}`) {
      return json(401, { error: { code: "token_expired", message: "Token expired", details: {} } });
    }
    return json(200, { ok: true, url });
  });
  return { fetchMock, refreshCalls };
}

describe("ApiClient", () => {
  it("refreshes once for many concurrent 401s and retries each request", async () => {
    const backend = fakeBackend();
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: "refresh-1" });
    const client = new ApiClient({ fetch: backend.fetchMock as unknown as typeof fetch, storage });
    client.setSession({ access_token: "stale", refresh_token: "refresh-1", expires_in: 900, user });

    const answers = await Promise.all([client.get("/a"), client.get("/b"), client.get("/c")]);
    expect(answers).toHaveLength(3);
    expect(backend.refreshCalls).toEqual(["refresh-1"]);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-2");
    expect(client.getAccessToken()).toBe("access-2");
  });

  it("refreshes before the first call when only a refresh token is stored", async () => {
    const backend = fakeBackend();
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: "refresh-1" });
    const client = new ApiClient({ fetch: backend.fetchMock as unknown as typeof fetch, storage });
    await Promise.all([client.get("/a"), client.get("/b")]);
    expect(backend.refreshCalls).toEqual(["refresh-1"]);
  });

  it("signs out when the refresh token is refused", async () => {
    const backend = fakeBackend();
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: "refresh-old" });
    const client = new ApiClient({ fetch: backend.fetchMock as unknown as typeof fetch, storage });
    const sessions: unknown[] = [];
    client.onSessionChange((tokens) => sessions.push(tokens));

    await expect(client.get("/a")).rejects.toMatchObject({ status: 401, code: "token_revoked" });
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(sessions).toEqual([null]);
  });

  it("turns the error envelope into an ApiError", async () => {
    const client = new ApiClient({
      fetch: (async () =>
        json(422, {
          error: { code: "validation_failed", message: "Name is required", details: { name: "required" } },
        })) as unknown as typeof fetch,
      storage: memoryStorage(),
    });
    const error = await client.post("/projects", {}).catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "validation_failed",
      message: "Name is required",
      details: { name: "required" },
    });
  });

  it("reports a network failure as status 0", async () => {
    const client = new ApiClient({
      fetch: (async () => {
        throw new TypeError("Failed to fetch");
      }) as unknown as typeof fetch,
      storage: memoryStorage(),
    });
    await expect(client.get("/me")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("sends the refresh token to logout and forgets it even if the call fails", async () => {
    const fetchMock = vi.fn(async () => json(500, {}));
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: "refresh-9" });
    const client = new ApiClient({ fetch: fetchMock as unknown as typeof fetch, storage });
    await client.logout();
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/v1/auth/logout",
      expect.objectContaining({ body: '{"refresh_token":"refresh-9"}' }),
    );
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});

describe("attachments", () => {
  it("fetches a blob with the bearer token, refreshing once on a 401", async () => {
    const backend = fakeBackend();
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: "refresh-1" });
    const client = new ApiClient({ fetch: backend.fetchMock as unknown as typeof fetch, storage });
    client.setSession({ access_token: "stale", refresh_token: "refresh-1", expires_in: 900, user });
    const blob = await client.blob("/attachments/5");
    expect(await blob.text()).toContain("/api/v1/attachments/5");
    expect(backend.refreshCalls).toEqual(["refresh-1"]);
  });

  it("raises the error envelope instead of returning an error page as a file", async () => {
    const client = new ApiClient({
      fetch: (async () =>
        json(404, {
          error: { code: "attachment_not_found", message: "This attachment does not exist." },
        })) as unknown as typeof fetch,
      storage: memoryStorage(),
    });
    await expect(client.blob("/attachments/9")).rejects.toMatchObject({ status: 404, code: "attachment_not_found" });
  });

  it("maps only same-origin API URLs to API paths, so the token never leaves the site", () => {
    const client = new ApiClient({ storage: memoryStorage() });
    const origin = "https://chat.example.com";
    expect(client.apiPathOf("https://chat.example.com/api/v1/attachments/5", origin)).toBe("/attachments/5");
    expect(client.apiPathOf("/api/v1/attachments/6", origin)).toBe("/attachments/6");
    expect(client.apiPathOf("https://evil.example.net/api/v1/attachments/5", origin)).toBeNull();
    expect(client.apiPathOf("https://chat.example.com/files/5", origin)).toBeNull();
    expect(client.apiPathOf("javascript:alert(1)", origin)).toBeNull();
  });
});

describe("toQueryString", () => {
  it("skips empty values", () => {
    expect(toQueryString({ status: "open", q: "", cursor: null, limit: 30, x: undefined })).toBe(
      "?status=open&limit=30",
    );
    expect(toQueryString({})).toBe("");
  });
});

describe("errorMessage", () => {
  it("adds the per-field problems of a validation error", () => {
    const error = new ApiError(400, "validation_failed", "Some fields are invalid.", {
      fields: { allowed_origins: ["Value error, 'nope' is not an origin"] },
    });
    expect(errorMessage(error)).toBe("Some fields are invalid. allowed_origins: 'nope' is not an origin");
  });

  it("keeps the plain message otherwise", () => {
    expect(errorMessage(new ApiError(404, "not_found", "No such page."))).toBe("No such page.");
  });
});
