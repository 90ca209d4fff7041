// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import type { Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import type { Attachment } from "../api/types";
import { AttachmentLinks } from "./AttachmentLinks";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const attachment = (id: number, change: Partial<Attachment> = {}): Attachment => ({
  id,
  name: `file-${id}.png`,
  content_type: "image/png",
  size: 70,
  url: `${location.origin}/api/v1/attachments/${id}`,
  ...change,
});

describe("AttachmentLinks", () => {
  let container: HTMLDivElement;
  let root: Root;

  beforeEach(() => {
    container = document.createElement("div");
    document.body.append(container);
    root = createRoot(container);
    URL.createObjectURL = vi.fn(() => "blob:preview-1");
    URL.revokeObjectURL = vi.fn();
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    vi.restoreAllMocks();
  });

  it("loads an image of this API with the agent's token and shows it from a blob URL", async () => {
    const blob = vi.spyOn(api, "blob").mockResolvedValue(new Blob(["png"], { type: "image/png" }));
    await act(async () => root.render(<AttachmentLinks attachments={[attachment(5)]} />));
    expect(blob).toHaveBeenCalledWith("/attachments/5", expect.any(AbortSignal));
    expect(container.querySelector("img")?.getAttribute("src")).toBe("blob:preview-1");
    expect(container.querySelector("img")?.getAttribute("alt")).toBe("file-5.png");
  });

  it("fetches another file only when it is clicked", async () => {
    const blob = vi.spyOn(api, "blob").mockResolvedValue(new Blob(["%PDF-"], { type: "application/pdf" }));
    await act(async () =>
      root.render(
        <AttachmentLinks attachments={[attachment(6, { name: "terms.pdf", content_type: "application/pdf" })]} />,
      ),
    );
    expect(blob).not.toHaveBeenCalled();
    const button = container.querySelector("button")!;
    expect(button.textContent).toBe("terms.pdf");
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    await act(async () => button.click());
    expect(blob).toHaveBeenCalledWith("/attachments/6");
    expect(click).toHaveBeenCalledTimes(1);
  });

  it("never sends the token to another origin", async () => {
    const blob = vi.spyOn(api, "blob");
    await act(async () =>
      root.render(
        <AttachmentLinks attachments={[attachment(7, { url: "https://cdn.example.net/api/v1/attachments/7" })]} />,
      ),
    );
    expect(blob).not.toHaveBeenCalled();
    expect(container.querySelector("a")?.getAttribute("href")).toBe("https://cdn.example.net/api/v1/attachments/7");
  });
});
