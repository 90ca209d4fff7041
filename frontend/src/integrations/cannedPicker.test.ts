import { describe, expect, it } from "vitest";
import type { CannedResponse } from "../api/types";
import { fillVariables, insertAt, matchCanned, slashQuery } from "./cannedPicker";

let nextId = 1;
const canned = (shortcut: string, title: string, content = "x"): CannedResponse => ({
  id: nextId++,
  shortcut,
  title,
  content,
  scope: "project",
  owner_id: null,
});

describe("fillVariables", () => {
  it("fills the four variables and blanks unknown values", () => {
    const text = "Hi {{visitor.name}} ({{ visitor.email }}), {{agent.name}} of {{project.name}} here.";
    expect(fillVariables(text, { visitorName: "Ana", visitorEmail: null, agentName: "Bo", projectName: "Acme" })).toBe(
      "Hi Ana (), Bo of Acme here.",
    );
  });
});

describe("slashQuery", () => {
  it("opens on a slash at the start or after a space", () => {
    expect(slashQuery("/ref", 4)).toEqual({ query: "ref", start: 0 });
    expect(slashQuery("hello /sh", 9)).toEqual({ query: "sh", start: 6 });
    expect(slashQuery("/", 1)).toEqual({ query: "", start: 0 });
  });

  it("stays closed inside words and urls", () => {
    expect(slashQuery("and/or", 6)).toBeNull();
    expect(slashQuery("https://x", 9)).toBeNull();
    expect(slashQuery("/ref more", 9)).toBeNull();
  });
});

describe("matchCanned", () => {
  it("matches shortcut or title, shortcut prefixes first", () => {
    const items = [canned("refund", "Refund policy"), canned("ship", "Shipping"), canned("policy", "Privacy")];
    expect(matchCanned(items, "pol").map((item) => item.shortcut)).toEqual(["policy", "refund"]);
    expect(matchCanned(items, "SHIP").map((item) => item.shortcut)).toEqual(["ship"]);
  });
});

describe("insertAt", () => {
  it("replaces the slash query with the content", () => {
    expect(insertAt("Hi /ref!", 3, 7, "Refunds take 5 days")).toEqual({ text: "Hi Refunds take 5 days!", caret: 22 });
  });
});
