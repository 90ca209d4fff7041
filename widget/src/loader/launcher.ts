/**
 * The only DOM the loader adds to the host page: the launcher bubble with its
 * unread badge and the (lazily created) chat iframe, both inside a shadow
 * root so the page's CSS cannot restyle them and ours cannot leak out.
 */
import { normalizeColor, readableTextColor } from "../shared/color";
import type { WidgetConfig } from "../shared/types";

// Full-screen under 480px; the launcher hides while the window covers the screen.
const CSS =
  ".l,.w{position:fixed;bottom:20px;right:20px;z-index:2147483000;box-shadow:0 4px 16px #0005}" +
  ".l{height:56px;padding:0 15px;border:0;border-radius:28px;cursor:pointer;display:flex;align-items:center;gap:8px;" +
  "background:var(--c);color:var(--f);font:600 15px system-ui,sans-serif}" +
  "svg{width:26px;fill:currentColor;stroke:currentColor;stroke-width:2.5}.x,[aria-expanded=true] .i{display:none}[aria-expanded=true] .x{display:block}" +
  "[data-n]:after{content:attr(data-n);position:absolute;top:-4px;right:-4px;min-width:8px;padding:0 6px;border-radius:10px;" +
  "background:#b91c1c;color:#fff;font-size:12px;line-height:20px}" +
  ".w{bottom:88px;width:376px;height:min(640px,100% - 108px);border:0;border-radius:12px;background:#fff;display:none}" +
  ".o{display:block}.left{right:auto;left:20px}" +
  "@media(max-width:480px){.w{inset:0;width:100%;height:100%;border-radius:0}.o~.l{display:none}}";

// A speech bubble, and a cross shown while the window is open.
const ICONS =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path class="i" d="M3 4h18v13H9l-6 4z"/><path class="x" d="M6 6l12 12M18 6 6 18"/></svg>';

export interface Launcher {
  host: HTMLElement;
  button: HTMLButtonElement;
  /** Creates the iframe once; later calls return the same one. */
  frame(src: string, title: string): HTMLIFrameElement;
  setOpen(isOpen: boolean): void;
  setVisible(isVisible: boolean): void;
  /** The frame has the dictionaries: it sends the translated name and title with the count. */
  update(unread: number, label: string, title: string): void;
}

export function createLauncher(config: WidgetConfig, onClick: () => void): Launcher {
  const host = document.createElement("div");
  host.id = "livechat-widget";
  const root = host.attachShadow({ mode: "closed" });
  // Safe to interpolate: normalizeColor only lets "#rrggbb" through.
  const color = normalizeColor(config.color);
  const side = config.position === "left" ? " left" : "";
  root.innerHTML =
    `<style>:host{all:initial;--c:${color};--f:${readableTextColor(color)}}${CSS}</style>` +
    `<button type="button" class="l${side}" aria-expanded="false">${ICONS}</button>`;

  const button = root.querySelector("button")!;
  // Project-supplied text goes in as a text node, never as markup.
  button.append(config.launcher_text || "");

  let iframe: HTMLIFrameElement | undefined;
  // Open or closed is told by aria-expanded; the name stays the same.
  button.setAttribute("aria-label", "Chat");
  button.addEventListener("click", onClick);
  // An async script in <head> may get here before <body> exists.
  (document.body || document.documentElement).appendChild(host);

  return {
    host,
    button,
    frame(src, title) {
      if (!iframe) {
        // The iframe is the chat window itself; before the button so that ".o ~ .l" can hide the launcher.
        iframe = document.createElement("iframe");
        iframe.className = "w" + side;
        iframe.title = title;
        iframe.src = src;
        root.insertBefore(iframe, button);
      }
      return iframe;
    },
    setOpen(isOpen) {
      // Opening always creates the iframe first (index.ts), so it exists whenever it matters.
      iframe?.classList.toggle("o", isOpen);
      button.setAttribute("aria-expanded", "" + isOpen);
    },
    setVisible(isVisible) {
      button.style.display = isVisible ? "" : "none";
    },
    update(unread, label, title) {
      // The badge is drawn by CSS from data-n; the count is in the label for screen readers.
      if (unread) button.dataset.n = unread > 99 ? "99+" : "" + unread;
      else delete button.dataset.n;
      button.setAttribute("aria-label", label);
      if (iframe) iframe.title = title;
    },
  };
}
