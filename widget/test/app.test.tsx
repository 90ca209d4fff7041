import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatClient } from "../src/frame/chat";
import { App } from "../src/frame/components/App";
import { Store } from "../src/frame/store";
import type { Session, WidgetConfig } from "../src/shared/types";
import { visitor as makeVisitor, widgetConfig } from "./builders";
import { FakeServer, FakeTransport } from "./fakes";

let container: HTMLElement;
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

async function mountApp(
  config: Partial<WidgetConfig>,
  server = new FakeServer(),
  visitor: Session["visitor"] = makeVisitor(),
) {
  const store = new Store();
  let transport: FakeTransport | undefined;
  const client = new ChatClient({
    store,
    projectKey: "pk_test",
    connect: () => (transport = new FakeTransport(server)),
    onAgentMessage: vi.fn(),
    onTokenRefused: vi.fn(),
    isPageVisible: () => true,
  });
  const host = { close: vi.fn(), identify: vi.fn(async () => null) };
  act(() =>
    render(
      <App store={store} client={client} host={host} projectKey="pk_test" preferredLocale="en" onLocale={vi.fn()} />,
      container,
    ),
  );
  act(() => {
    client.start({ visitor_token: "vt", visitor, config: widgetConfig(config) });
    client.setOpen(true);
  });
  act(() => transport!.connect());
  await settle();
  await settle();
  return { store, client, host, server };
}

describe("App", () => {
  beforeEach(() => {
    localStorage.clear();
    container = document.createElement("div");
    document.body.appendChild(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  it("shows the greeting and focuses the message box when opened", async () => {
    await mountApp({ greeting: "Hello from the team" });
    expect(container.textContent).toContain("Hello from the team");
    expect(document.activeElement).toBe(container.querySelector("textarea"));
  });

  it("applies the theme colour with readable text", async () => {
    await mountApp({ color: "#ffd33d" });
    const root = container.querySelector<HTMLElement>(".lc-app")!;
    expect(root.style.getPropertyValue("--c")).toBe("#ffd33d");
    expect(root.style.getPropertyValue("--f")).toBe("#000");
  });

  it("shows the away message and an email field when no agent is online", async () => {
    await mountApp({ agents_online: false, away_message: "Back at 9am" });
    expect(container.textContent).toContain("Back at 9am");
    expect(container.querySelector("input[type=email]")).not.toBeNull();
  });

  it("asks the pre-chat questions first, and sends the answers through the host", async () => {
    const { host } = await mountApp({
      prechat: {
        enabled: true,
        fields: [
          { name: "name", required: true },
          { name: "plan", label: "Plan" },
        ],
      },
    });
    expect(container.querySelector("textarea[aria-label=Message]")).toBeNull();
    const [name, plan] = Array.from(container.querySelectorAll("input")) as [HTMLInputElement, HTMLInputElement];
    act(() => {
      name.value = "Ada";
      name.dispatchEvent(new Event("input", { bubbles: true }));
    });
    act(() => {
      plan.value = "pro";
      plan.dispatchEvent(new Event("input", { bubbles: true }));
    });
    act(() => {
      container.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    });
    await settle();

    expect(host.identify).toHaveBeenCalledWith({ name: "Ada", attributes: { plan: "pro" } });
    expect(container.querySelector("textarea[aria-label=Message]")).not.toBeNull();
  });

  it("offers a new conversation once the current one is resolved", async () => {
    const server = new FakeServer();
    server.addMessage(null, "visitor", "hi");
    for (const conversation of server.conversations) conversation.status = "resolved";
    await mountApp({}, server);
    // Everything is resolved: the visitor lands on a new conversation, with the old one in the list.
    expect(container.querySelector("textarea")).not.toBeNull();
    act(() => container.querySelector<HTMLButtonElement>("button[aria-label='Back to your conversations']")!.click());
    expect(container.textContent).toContain("Resolved");
    expect(container.textContent).toContain("New conversation");
  });

  it("closes on Escape", async () => {
    const { host } = await mountApp({});
    act(() => {
      container
        .querySelector("textarea")!
        .dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    expect(host.close).toHaveBeenCalled();
  });
});
