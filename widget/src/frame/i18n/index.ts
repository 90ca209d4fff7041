/**
 * Translations. All four dictionaries ship in the bundle: together they
 * weigh less than a second request would cost.
 */
import { de } from "./de";
import { en, type Dictionary, type MessageKey } from "./en";
import { es } from "./es";
import { fr } from "./fr";

export type { MessageKey };
export type Locale = "en" | "es" | "fr" | "de";
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const dictionaries: Record<Locale, Dictionary> = { en, es, fr, de };

/**
 * The first supported language among the candidates, in order of preference
 * ("fr-CA" → "fr"); English when none is supported.
 */
export function resolveLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base && base in dictionaries) return base as Locale;
  }
  return "en";
}

/** A translate function for one locale; `{name}` placeholders are filled from `vars`. */
export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  return (key, vars) =>
    (dictionary[key] ?? en[key]).replace(/\{(\w+)\}/g, (match, name: string) =>
      vars && name in vars ? String(vars[name]) : match,
    );
}

/** "1 unread message" / "3 unread messages". */
export function unreadLabel(t: Translate, count: number): string {
  return count === 1 ? t("unread_one") : t("unread_other", { count });
}
