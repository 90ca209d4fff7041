import { describe, expect, it } from "vitest";
import { contrastRatio, DEFAULT_COLOR, normalizeColor, readableTextColor } from "../src/shared/color";

describe("theme colour", () => {
  it("accepts #rrggbb and falls back to the default for anything else", () => {
    expect(normalizeColor("#A1B2C3")).toBe("#A1B2C3");
    expect(normalizeColor("red")).toBe(DEFAULT_COLOR);
    expect(normalizeColor("#123;}body{display:none")).toBe(DEFAULT_COLOR);
    expect(normalizeColor(undefined)).toBe(DEFAULT_COLOR);
  });

  it("picks a text colour with at least 4.5:1 contrast on any background", () => {
    for (let value = 0; value < 0xffffff; value += 0x010101 * 7 + 0x1234) {
      const background = "#" + Math.floor(value).toString(16).padStart(6, "0");
      const text = readableTextColor(background);
      expect(contrastRatio(background, text === "#fff" ? "#ffffff" : "#000000")).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("uses white text on the default colour", () => {
    expect(readableTextColor(DEFAULT_COLOR)).toBe("#fff");
  });
});
