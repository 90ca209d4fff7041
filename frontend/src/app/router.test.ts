import { describe, expect, it } from "vitest";
import { matchPath } from "./router";

describe("matchPath", () => {
  it("reads params and optional params", () => {
    expect(matchPath("/projects/:pid/conversations/:cid?", "/projects/3/conversations/9")).toEqual({
      pid: "3",
      cid: "9",
    });
    expect(matchPath("/projects/:pid/conversations/:cid?", "/projects/3/conversations")).toEqual({ pid: "3" });
    expect(matchPath("/invitations/:token", "/invitations/a%2Fb")).toEqual({ token: "a/b" });
  });

  it("refuses other paths", () => {
    expect(matchPath("/projects/:pid/conversations/:cid?", "/projects/3/settings")).toBeNull();
    expect(matchPath("/projects/:pid/settings/:tab?", "/projects/3/settings/widget/extra")).toBeNull();
    expect(matchPath("/invitations/:token", "/invitations")).toBeNull();
  });
});
