import { createElement, useSyncExternalStore } from "react";
import type { AnchorHTMLAttributes, MouseEvent } from "react";

/* A tiny history router: the dashboard has a handful of routes and needs no more. */

const listeners = new Set<() => void>();

function notify() {
  listeners.forEach((listener) => listener());
}

if (typeof window !== "undefined") window.addEventListener("popstate", notify);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  notify();
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const location = useSyncExternalStore(subscribe, currentLocation, () => "/");
  const [pathname = "/", query = ""] = location.split("?");
  return { pathname, search: new URLSearchParams(query) };
}

/** Matches "/projects/:pid/conversations/:cid?" against a path; optional params end with "?". */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split("/").filter(Boolean);
  const pathParts = pathname.split("/").filter(Boolean);
  if (pathParts.length > patternParts.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const value = pathParts[index];
    const optional = part.endsWith("?");
    if (value === undefined) {
      if (optional) continue;
      return null;
    }
    if (part.startsWith(":")) params[part.slice(1).replace(/\?$/, "")] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
}

/** An anchor that navigates without reloading; modified clicks keep the browser's behaviour. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return createElement("a", { ...rest, href: to, onClick: handleClick });
}
