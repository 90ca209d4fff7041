import { describe, expect, it } from "vitest";
import { linkify, safeHref } from "../src/frame/linkify";

describe("linkify", () => {
  it("returns plain text untouched", () => {
    expect(linkify("hello <b>world</b>")).toEqual([{ text: "hello <b>world</b>" }]);
  });

  it("turns http(s) URLs into links and keeps the text around them", () => {
    expect(linkify("see https://example.com/a?b=1 now")).toEqual([
      { text: "see " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: " now" },
    ]);
  });

  it("leaves sentence punctuation outside the link", () => {
    expect(linkify("Go to https://example.com/docs.")).toEqual([
      { text: "Go to " },
      { text: "https://example.com/docs", href: "https://example.com/docs" },
      { text: "." },
    ]);
  });

  it("keeps a balanced closing parenthesis inside the link", () => {
    const [, link, rest] = linkify("(https://en.wikipedia.org/wiki/Foo_(bar))");
    expect(link?.text).toBe("https://en.wikipedia.org/wiki/Foo_(bar)");
    expect(rest?.text).toBe(")");
  });

  it("links www. addresses over https", () => {
    expect(linkify("www.example.org")).toEqual([{ text: "www.example.org", href: "https://www.example.org/" }]);
  });

  it("never links script or data URLs", () => {
    expect(linkify("javascript:alert(1) data:text/html,<script>")).toEqual([
      { text: "javascript:alert(1) data:text/html,<script>" },
    ]);
    expect(safeHref("javascript:alert(1)")).toBeNull();
  });

  it("does not let a quote break out of the link", () => {
    const segments = linkify('https://example.com/"onmouseover="x');
    expect(segments[0]).toEqual({ text: "https://example.com/", href: "https://example.com/" });
  });
});
