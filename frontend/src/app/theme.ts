import { useSyncExternalStore } from "react";

export type ThemePreference = "system" | "light" | "dark";

const STORAGE_KEY = "livechat.theme";
const listeners = new Set<() => void>();
const darkQuery = typeof window !== "undefined" ? window.matchMedia?.("(prefers-color-scheme: dark)") : undefined;

export function getThemePreference(): ThemePreference {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === "light" || stored === "dark" ? stored : "system";
}

/** Sets data-theme on <html> from the preference, following the system when asked to. */
export function applyTheme(): void {
  const preference = getThemePreference();
  const isDark = preference === "dark" || (preference === "system" && Boolean(darkQuery?.matches));
  document.documentElement.dataset.theme = isDark ? "dark" : "light";
}

export function setThemePreference(preference: ThemePreference): void {
  if (preference === "system") localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, preference);
  applyTheme();
  listeners.forEach((listener) => listener());
}

darkQuery?.addEventListener?.("change", applyTheme);

export function useThemePreference(): ThemePreference {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, getThemePreference);
}
