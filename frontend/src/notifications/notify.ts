import { useSyncExternalStore } from "react";

const SOUND_KEY = "livechat.notify.sound";
const DESKTOP_KEY = "livechat.notify.desktop";
const listeners = new Set<() => void>();
let audio: AudioContext | null = null;

export interface NotificationPrefs {
  sound: boolean;
  desktop: boolean;
  permission: NotificationPermission | "unsupported";
}

function readPrefs(): NotificationPrefs {
  return {
    sound: localStorage.getItem(SOUND_KEY) !== "off",
    desktop: localStorage.getItem(DESKTOP_KEY) !== "off",
    permission: "Notification" in window ? Notification.permission : "unsupported",
  };
}

let cached = typeof window !== "undefined" ? readPrefs() : null;

function changed() {
  cached = readPrefs();
  listeners.forEach((listener) => listener());
}

export function useNotificationPrefs(): NotificationPrefs {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => cached ?? readPrefs(),
  );
}

export function setSoundEnabled(enabled: boolean): void {
  localStorage.setItem(SOUND_KEY, enabled ? "on" : "off");
  changed();
}

export function setDesktopEnabled(enabled: boolean): void {
  localStorage.setItem(DESKTOP_KEY, enabled ? "on" : "off");
  changed();
}

/** Asks for permission; must run from a click. */
export async function requestDesktopPermission(): Promise<void> {
  if (!("Notification" in window)) return;
  await Notification.requestPermission();
  setDesktopEnabled(true);
}

function playChime(): void {
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, audio.currentTime);
    oscillator.frequency.setValueAtTime(1320, audio.currentTime + 0.12);
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  } catch {
    // Audio may be blocked until the page has had a user gesture; the desktop notice still shows.
  }
}

/** Sound and desktop notification, only while the tab is hidden. */
export function notifyIncoming(title: string, body: string, tag: string, onClick?: () => void): void {
  if (!document.hidden) return;
  const prefs = readPrefs();
  if (prefs.sound) playChime();
  if (prefs.desktop && prefs.permission === "granted") {
    const notice = new Notification(title, { body: body.slice(0, 200), tag });
    notice.onclick = () => {
      window.focus();
      onClick?.();
      notice.close();
    };
  }
}
