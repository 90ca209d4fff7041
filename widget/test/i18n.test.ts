import { describe, expect, it } from "vitest";
import { de } from "../src/frame/i18n/de";
import { en } from "../src/frame/i18n/en";
import { es } from "../src/frame/i18n/es";
import { fr } from "../src/frame/i18n/fr";
import { resolveLocale, translator, unreadLabel } from "../src/frame/i18n";

describe("i18n", () => {
  it("picks the first supported language, ignoring the region", () => {
    expect(resolveLocale(["pt-BR", "fr-CA", "en"])).toBe("fr");
    expect(resolveLocale([null, undefined, "DE"])).toBe("de");
    expect(resolveLocale(["ja"])).toBe("en");
  });

  it("fills placeholders", () => {
    const t = translator("es");
    expect(t("typing", { name: "Ana" })).toBe("Ana está escribiendo…");
    expect(unreadLabel(translator("en"), 3)).toBe("3 unread messages");
    expect(unreadLabel(translator("en"), 1)).toBe("1 unread message");
  });

  it("has every key in every language, with the same placeholders", () => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) || []).sort();
    for (const dictionary of [es, fr, de]) {
      expect(Object.keys(dictionary).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(placeholders(dictionary[key]), key).toEqual(placeholders(en[key]));
      }
    }
  });
});
