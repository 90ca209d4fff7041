import { useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import type { CannedResponse, Id } from "../api/types";
import { cannedApi } from "./integrationsApi";
import { fillVariables, insertAt, matchCanned, slashQuery } from "./cannedPicker";
import type { CannedContext } from "./cannedPicker";

export interface CannedPickerState {
  isOpen: boolean;
  matches: CannedResponse[];
  activeIndex: number;
  /** Call from the textarea's onChange with the new value and caret. */
  update(text: string, caret: number): void;
  /** Call first in onKeyDown; true when the picker handled the key. */
  handleKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  choose(item: CannedResponse): void;
  close(): void;
}

/**
 * The composer's `/` picker: typing `/` at the start or after a space lists canned
 * responses; arrows move, Enter or Tab inserts (variables filled), Escape closes.
 */
export function useCannedPicker(
  projectId: Id | undefined,
  text: string,
  setText: (value: string, caret: number) => void,
  context: () => CannedContext,
): CannedPickerState {
  const [responses, setResponses] = useState<CannedResponse[] | null>(null);
  const [slash, setSlash] = useState<{ query: string; start: number; caret: number } | null>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const loading = useRef(false);

  const load = () => {
    if (projectId == null || responses !== null || loading.current) return;
    loading.current = true;
    cannedApi
      .list(projectId)
      .then((page) => setResponses(page.items))
      .catch(() => setResponses([]))
      .finally(() => {
        loading.current = false;
      });
  };

  const matches = slash && responses ? matchCanned(responses, slash.query) : [];
  const isOpen = slash !== null && matches.length > 0;

  const close = () => {
    setSlash(null);
    setActiveIndex(0);
  };

  const choose = (item: CannedResponse) => {
    if (!slash) return;
    const next = insertAt(text, slash.start, slash.caret, fillVariables(item.content, context()));
    close();
    setText(next.text, next.caret);
  };

  return {
    isOpen,
    matches,
    activeIndex: Math.min(activeIndex, Math.max(matches.length - 1, 0)),
    update: (value, caret) => {
      const found = slashQuery(value, caret);
      if (found) load();
      setSlash(found ? { ...found, caret } : null);
      if (!found || found.query !== slash?.query) setActiveIndex(0);
    },
    handleKey: (event) => {
      if (!isOpen) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActiveIndex((index) => (Math.min(index, matches.length - 1) + step + matches.length) % matches.length);
        return true;
      }
      if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
        event.preventDefault();
        const picked = matches[Math.min(activeIndex, matches.length - 1)];
        if (picked) choose(picked);
        return true;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
        return true;
      }
      return false;
    },
    choose,
    close,
  };
}
