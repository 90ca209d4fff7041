// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import type { Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import "../i18n";
import i18n from "../i18n";
import { useAuthStore } from "./authStore";
import { MfaPage } from "./MfaPage";
import { SignInPage } from "./SignInPage";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function byLabel(container: HTMLElement, text: string): HTMLInputElement {
  const label = [...container.querySelectorAll("label")].find((item) => item.textContent === text);
  if (!label) throw new Error(`no label ${text}`);
  return container.querySelector(`#${label.htmlFor}`) as HTMLInputElement;
}

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
  act(() => {
    setter.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("sign-in screens", () => {
  let container: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    await i18n.changeLanguage("en");
    container = document.createElement("div");
    document.body.append(container);
    root = createRoot(container);
    useAuthStore.setState({ status: "signedOut", user: null, mfaToken: null });
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    vi.unstubAllGlobals();
  });

  it("labels its fields Email and Password and shows the API's error", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json(401, { error: { code: "invalid_credentials", message: "Wrong email or password", details: {} } }),
      ),
    );
    act(() => root.render(<SignInPage />));
    type(byLabel(container, "Email"), "ada@example.com");
    type(byLabel(container, "Password"), "nope");
    await act(async () => container.querySelector("form")!.requestSubmit());
    expect(container.querySelector("[role=alert]")?.textContent).toBe("Wrong email or password");
    expect(useAuthStore.getState().status).toBe("signedOut");
  });

  it("asks for a code when 2FA is on, then signs in with it", async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/auth/login")
        ? json(200, { mfa_required: true, mfa_token: "mfa-1" })
        : json(200, { access_token: "a", refresh_token: "r", user: { id: 1, email: "ada@example.com", name: "Ada" } }),
    );
    vi.stubGlobal("fetch", fetchMock);
    act(() => root.render(<SignInPage />));
    type(byLabel(container, "Email"), "ada@example.com");
    type(byLabel(container, "Password"), "secret-pass");
    await act(async () => container.querySelector("form")!.requestSubmit());
    expect(useAuthStore.getState()).toMatchObject({ status: "mfa", mfaToken: "mfa-1" });

    act(() => root.render(<MfaPage />));
    type(byLabel(container, "Authentication code"), "123 456");
    await act(async () => container.querySelector("form")!.requestSubmit());
    expect(fetchMock).toHaveBeenLastCalledWith(
      "/api/v1/auth/2fa/verify",
      expect.objectContaining({ body: JSON.stringify({ mfa_token: "mfa-1", code: "123456" }) }),
    );
    expect(useAuthStore.getState()).toMatchObject({ status: "signedIn", user: { name: "Ada" } });
  });
});
