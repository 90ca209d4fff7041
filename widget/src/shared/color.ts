/**
 * Colour helpers shared by the launcher and the frame, so text on the
 * project's theme colour always meets WCAG AA contrast (4.5:1).
 */

export const DEFAULT_COLOR = "#1d4ed8";

/** The colour when it is "#rrggbb" (what the settings page stores), else the default. */
export function normalizeColor(input: unknown): string {
  return typeof input === "string" && /^#[0-9a-f]{6}$/i.test(input) ? input : DEFAULT_COLOR;
}

/** Relative luminance as defined by WCAG 2.x for a "#rrggbb" colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * White or black, whichever contrasts more with `background`. 0.1791 is the
 * luminance where both contrast equally (4.58:1), so the pick always meets
 * AA's 4.5:1; it is solved once here so the loader carries no contrast maths.
 * (Near-black #111 would drop to 4.35:1 at the crossover.)
 */
export function readableTextColor(background: string): string {
  return luminance(background) < 0.1791 ? "#fff" : "#000";
}
