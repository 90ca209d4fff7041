import { render, type ComponentChild } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatClient } from "../src/frame/chat";
import { Composer } from "../src/frame/components/Composer";
import { MessageItem } from "../src/frame/components/MessageItem";
import { AppContext, type AppContextValue } from "../src/frame/context";
import { translator } from "../src/frame/i18n";
import { initialState } from "../src/frame/store";
import { message, session } from "./builders";

let container: HTMLElement;

function mount(node: ComponentChild, client: Partial<ChatClient> = {}) {
  const value: AppContextValue = {
    state: { ...initialState(), session: session("vt") },
    client: { send: vi.fn(), typing: vi.fn(), retry: vi.fn(), ...client } as unknown as ChatClient,
    host: { close: vi.fn(), identify: vi.fn() },
    t: translator("en"),
    locale: "en",
  };
  act(() => render(<AppContext.Provider value={value}>{node}</AppContext.Provider>, container));
  return value;
}

function typeInto(textarea: HTMLTextAreaElement, text: string) {
  act(() => {
    textarea.value = text;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

function press(target: Element, key: string, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  act(() => {
    target.dispatchEvent(event);
  });
  return event;
}

beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

describe("Composer", () => {
  it("is a textarea labelled 'Message'", () => {
    mount(<Composer />);
    const box = container.querySelector("textarea")!;
    expect(box.getAttribute("aria-label")).toBe("Message");
  });

  it("sends on Enter and clears the box", async () => {
    const { client } = mount(<Composer />);
    const box = container.querySelector("textarea")!;
    typeInto(box, "  Hello  ");
    const event = press(box, "Enter");
    await act(async () => undefined);
    expect(event.defaultPrevented).toBe(true);
    expect(client.send).toHaveBeenCalledWith("Hello", []);
    expect(box.value).toBe("");
  });

  it("keeps Shift+Enter for a new line", () => {
    const { client } = mount(<Composer />);
    const box = container.querySelector("textarea")!;
    typeInto(box, "line one");
    const event = press(box, "Enter", { shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(client.send).not.toHaveBeenCalled();
  });

  it("does not send an empty message", () => {
    const { client } = mount(<Composer />);
    press(container.querySelector("textarea")!, "Enter");
    expect(client.send).not.toHaveBeenCalled();
  });

  it("tells the agents the visitor is typing", () => {
    const { client } = mount(<Composer />);
    typeInto(container.querySelector("textarea")!, "h");
    expect(client.typing).toHaveBeenCalledWith(true);
  });
});

describe("Composer file picker", () => {
  it("offers only the file types the server accepts", () => {
    mount(<Composer />);
    const accept = container.querySelector("input[type=file]")!.getAttribute("accept")!.split(",");
    expect(accept).toEqual(expect.arrayContaining(["image/png", "image/jpeg", "application/pdf", "text/plain"]));
    expect(accept).not.toContain("text/html");
  });

  it("keeps at most 10 files, the most a message may carry, and says so", () => {
    mount(<Composer />);
    const input = container.querySelector("input[type=file]") as HTMLInputElement;
    const files = Array.from({ length: 11 }, (_, i) => new File(["x"], `f${i}.txt`, { type: "text/plain" }));
    Object.defineProperty(input, "files", { value: files, configurable: true });
    act(() => {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(container.querySelectorAll(".lc-files li")).toHaveLength(10);
    expect(container.querySelector("[role=alert]")!.textContent).toContain("At most 10 files");
  });
});

describe("MessageItem", () => {
  it("renders markup in a message as text, and links safely", () => {
    mount(
      <MessageItem
        showSender
        message={message(1, {
          sender_type: "agent",
          sender: { name: "Ana" },
          content: '<img src=x onerror="alert(1)"> see https://example.com',
          created_at: "2025-01-01T10:00:00Z",
        })}
      />,
    );
    expect(container.querySelector("img[src=x]")).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    const link = container.querySelector(".lc-text a")!;
    expect(link.getAttribute("href")).toBe("https://example.com/");
    expect(link.getAttribute("rel")).toContain("noopener");
  });

  it("fetches the app's attachments with the visitor token as a header, never in a URL", async () => {
    const fetch = vi.fn(async () => new Response(new Blob(["bytes"]), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    let made = 0;
    const createObjectURL = vi.fn(() => `blob:${location.origin}/file-${++made}`);
    const { createObjectURL: realCreate, revokeObjectURL: realRevoke } = URL;
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download}:${this.href}`);
    });
    try {
      mount(
        <MessageItem
          showSender={false}
          message={message(2, {
            sender_type: "agent",
            content: "",
            created_at: "2025-01-01T10:00:00Z",
            attachments: [
              {
                id: 7,
                url: `${location.origin}/api/v1/attachments/7`,
                name: "shot.png",
                content_type: "image/png",
                size: 10,
              },
              {
                id: 8,
                url: `${location.origin}/api/v1/attachments/8`,
                name: "terms.pdf",
                content_type: "application/pdf",
                size: 2048,
              },
            ],
          })}
        />,
      );
      // The image is fetched at once and shown from a blob URL.
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      expect(container.querySelector("img.lc-image")!.getAttribute("src")).toBe(`blob:${location.origin}/file-1`);
      expect(fetch).toHaveBeenCalledTimes(1);
      const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
      expect(url).toBe(`${location.origin}/api/v1/attachments/7`);
      expect((init.headers as Record<string, string>).Authorization).toBe("Bearer vt");

      // The file only when clicked, saved under its name.
      const file = [...container.querySelectorAll(".lc-attachments a")].find((a) =>
        a.textContent!.includes("terms.pdf"),
      )!;
      expect(file.getAttribute("href")).toBe(`${location.origin}/api/v1/attachments/8`);
      await act(async () => {
        file.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      expect(fetch).toHaveBeenCalledTimes(2);
      expect((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].headers).toEqual({
        Authorization: "Bearer vt",
      });
      expect(clicked).toEqual([`terms.pdf:blob:${location.origin}/file-2`]);
      expect(container.innerHTML).not.toContain("token=");
    } finally {
      click.mockRestore();
      URL.createObjectURL = realCreate;
      URL.revokeObjectURL = realRevoke;
      vi.unstubAllGlobals();
    }
  });

  it("links other attachment URLs only when they are http(s)", () => {
    mount(
      <MessageItem
        showSender={false}
        message={message(3, {
          sender_type: "agent",
          content: "",
          created_at: "2025-01-01T10:00:00Z",
          attachments: [
            { id: 9, url: "https://cdn.example.net/a.pdf", name: "a.pdf", content_type: "application/pdf", size: 1 },
            { id: 10, url: "javascript:alert(1)", name: "b.pdf", content_type: "application/pdf", size: 1 },
          ],
        })}
      />,
    );
    const links = [...container.querySelectorAll(".lc-attachments a")].map((a) => a.getAttribute("href"));
    expect(links).toEqual(["https://cdn.example.net/a.pdf"]);
    expect(container.textContent).toContain("b.pdf");
  });
});
