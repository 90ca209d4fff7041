/**
 * Splits message text into plain text and links. The result is rendered as
 * text nodes and <a> elements, never as HTML, so message content cannot
 * inject markup; and only http(s) URLs become links (no javascript: etc.).
 */

export interface Segment {
  text: string;
  href?: string;
}

const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?'"»)\]}]+$/;

/** The URL as a safe http(s) href, or null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(/^www\./i.test(raw) ? "https://" + raw : raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const count = (text: string, char: string) => text.split(char).length - 1;

export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    let raw = match[0].replace(TRAILING, "");
    // A closing parenthesis belongs to the URL when it balances one inside it (Wikipedia links).
    if (match[0][raw.length] === ")" && count(raw, "(") > count(raw, ")")) raw += ")";
    const href = safeHref(raw);
    if (!href) continue;
    const start = match.index!;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}
