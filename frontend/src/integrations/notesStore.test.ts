import { beforeEach, describe, expect, it } from "vitest";
import type { VisitorNote } from "../api/types";
import { useNotesStore } from "./notesStore";

const note = (id: number, content = "n"): VisitorNote => ({
  id,
  visitor_id: 7,
  author_id: 1,
  content,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
});

describe("notes store", () => {
  beforeEach(() => useNotesStore.setState({ byVisitor: { "7": { notes: [note(1)], error: null } } }));

  it("adds live notes newest first and replaces edited ones", () => {
    useNotesStore.getState().receive(note(2, "second"));
    useNotesStore.getState().receive(note(1, "edited"));
    expect(useNotesStore.getState().byVisitor["7"]?.notes.map((item) => item.content)).toEqual(["second", "edited"]);
  });

  it("drops deleted notes and ignores visitors not on screen", () => {
    useNotesStore.getState().forget({ id: 1, visitor_id: 7 });
    useNotesStore.getState().receive({ ...note(3), visitor_id: 8 });
    expect(useNotesStore.getState().byVisitor["7"]?.notes).toEqual([]);
    expect(useNotesStore.getState().byVisitor["8"]).toBeUndefined();
  });
});
