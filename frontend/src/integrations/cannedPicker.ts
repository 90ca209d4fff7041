import type { CannedResponse } from "../api/types";

/** The values a canned response's variables are filled with when inserted. */
export interface CannedContext {
  visitorName?: string | null;
  visitorEmail?: string | null;
  agentName?: string | null;
  projectName?: string | null;
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Replace `{{visitor.name}}`, `{{visitor.email}}`, `{{agent.name}}` and `{{project.name}}`; unknown values become "". */
export function fillVariables(content: string, context: CannedContext): string {
  const values: Record<string, string | null | undefined> = {
    "visitor.name": context.visitorName,
    "visitor.email": context.visitorEmail,
    "agent.name": context.agentName,
    "project.name": context.projectName,
  };
  return content.replace(VARIABLE, (_, name: string) => values[name] ?? "");
}

/** The `/query` being typed at the caret (a slash at the start or after a space), or null. */
export function slashQuery(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([\w.-]*)$/.exec(before);
  const query = match?.[2];
  if (query === undefined) return null;
  return { query, start: before.length - query.length - 1 };
}

/** Responses whose shortcut or title contains the query, shortcut prefixes first. */
export function matchCanned(responses: CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const needle = query.toLowerCase();
  const hits = responses.filter(
    (item) => item.shortcut.toLowerCase().includes(needle) || item.title.toLowerCase().includes(needle),
  );
  const rank = (item: CannedResponse) => (item.shortcut.toLowerCase().startsWith(needle) ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || a.shortcut.localeCompare(b.shortcut)).slice(0, limit);
}

/** The text after inserting `content` in place of the `/query` that starts at `start`. */
export function insertAt(text: string, start: number, caret: number, content: string): { text: string; caret: number } {
  const next = text.slice(0, start) + content + text.slice(caret);
  return { text: next, caret: start + content.length };
}
