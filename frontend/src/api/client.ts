import type { Tokens } from "./types";

/** An error answered by the API in the §6 envelope, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the access token and refresh it once on a 401 (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  /** Serialises refreshes across browser tabs (navigator.locks) when available. */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

export const REFRESH_TOKEN_KEY = "livechat.refresh_token";

type SessionListener = (tokens: Tokens | null) => void;

/**
 * The one typed HTTP client of the dashboard.
 *
 * Keeps the access token in memory and the rotating refresh token in storage.
 * A 401 triggers one refresh shared by every concurrent caller: reusing a spent
 * refresh token revokes the whole token family, so two refreshes must never race.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  private readonly lock: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  private accessToken: string | null = null;
  private refreshing: Promise<Tokens> | null = null;
  private listeners = new Set<SessionListener>();

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? "/api/v1";
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.storage = options.storage ?? globalThis.localStorage ?? memoryStorage();
    this.lock = options.lock ?? ((_name, fn) => fn());
  }

  /** The current access token, for the Socket.IO handshake. */
  getAccessToken(): string | null {
    return this.accessToken;
  }

  hasRefreshToken(): boolean {
    return Boolean(this.storage.getItem(REFRESH_TOKEN_KEY));
  }

  /** Called with the new tokens after sign-in or refresh, and with null on sign-out. */
  onSessionChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adopts a token pair from login, register, 2FA verify or refresh. */
  setSession(tokens: Tokens): void {
    this.accessToken = tokens.access_token;
    this.storage.setItem(REFRESH_TOKEN_KEY, tokens.refresh_token);
    this.listeners.forEach((listener) => listener(tokens));
  }

  /** Forgets both tokens locally (no request). */
  clearSession(): void {
    const hadSession = this.accessToken !== null || this.hasRefreshToken();
    this.accessToken = null;
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    if (hadSession) this.listeners.forEach((listener) => listener(null));
  }

  /** Revokes the refresh token on the server, then forgets the session. */
  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    try {
      if (refreshToken) {
        await this.request("POST", "/auth/logout", { body: { refresh_token: refreshToken }, auth: false });
      }
    } catch {
      // Signing out locally must work even when the server is unreachable.
    } finally {
      this.clearSession();
    }
  }

  /** Exchanges the stored refresh token for a new pair; one in-flight refresh is shared. */
  refreshSession(): Promise<Tokens> {
    if (!this.refreshing) {
      this.refreshing = this.lock("livechat-auth-refresh", () => this.performRefresh()).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async performRefresh(): Promise<Tokens> {
    // Read storage inside the lock: another tab may have rotated the token already.
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) {
      this.clearSession();
      throw new ApiError(401, "not_signed_in", "Not signed in");
    }
    try {
      const tokens = await this.request<Tokens>("POST", "/auth/refresh", {
        body: { refresh_token: refreshToken },
        auth: false,
      });
      this.setSession(tokens);
      return tokens;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) this.clearSession();
      throw error;
    }
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.parse<T>(await this.exchange(method, path, options));
  }

  /** A binary resource under the API (e.g. an attachment), fetched with the access token. */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    const response = await this.exchange("GET", path, { signal });
    if (!response.ok) return this.parse<never>(response);
    return response.blob();
  }

  private async exchange(method: string, path: string, options: RequestOptions): Promise<Response> {
    const useAuth = options.auth ?? true;
    if (useAuth && !this.accessToken && this.hasRefreshToken()) await this.refreshSession();
    const tokenUsed = this.accessToken;
    let response = await this.send(method, path, options, useAuth ? tokenUsed : null);
    if (response.status === 401 && useAuth && this.hasRefreshToken()) {
      // Another caller may have refreshed while this request was in flight.
      if (this.accessToken === tokenUsed) await this.refreshSession();
      response = await this.send(method, path, options, this.accessToken);
    }
    return response;
  }

  /**
   * The API path (relative to the base) of a URL the API handed out, when it
   * points at this same origin; null otherwise, so the token never leaves the site.
   */
  apiPathOf(url: string, origin: string = globalThis.location?.origin ?? ""): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url, origin || undefined);
    } catch {
      return null;
    }
    if (!origin || parsed.origin !== origin || !parsed.pathname.startsWith(this.baseUrl + "/")) return null;
    return parsed.pathname.slice(this.baseUrl.length) + parsed.search;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, { query, signal });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }

  delete<T = void>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  private async send(method: string, path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) {
      body = options.body;
    } else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(this.baseUrl + path + toQueryString(options.query), {
        method,
        headers,
        body,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw new ApiError(0, "network_error", "The server could not be reached");
    }
  }

  private async parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (response.ok) return data as T;
    const envelope = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
      ?.error;
    throw new ApiError(
      response.status,
      envelope?.code ?? `http_${response.status}`,
      envelope?.message ?? (response.statusText || `Request failed (${response.status})`),
      envelope?.details ?? {},
    );
  }
}

export function toQueryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Human text for any thrown value: the API envelope's message plus any per-field problems. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "weak_password") {
      // The reason is the message; zxcvbn's suggestions say how to do better.
      const suggestions = Array.isArray(error.details.suggestions) ? (error.details.suggestions as string[]) : [];
      return [error.message, ...suggestions].join(" ");
    }
    const fields = error.details.fields;
    if (!fields || typeof fields !== "object") return error.message;
    const problems = Object.entries(fields as Record<string, unknown>).map(([field, messages]) => {
      const text = (Array.isArray(messages) ? messages : [messages]).map((item) =>
        String(item).replace(/^Value error, /, ""),
      );
      return `${field}: ${text.join(", ")}`;
    });
    return problems.length ? `${error.message} ${problems.join("; ")}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

function memoryStorage(): Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

function browserLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? (locks.request(name, fn) as Promise<T>) : fn();
}

export const api = new ApiClient({ lock: browserLock });
