import type { Id, Screenshot, VisitorNote } from "../api/types";
import { unwrap } from "../realtime/payloads";
import type { AgentEvents } from "../realtime/socket";
import { useNotesStore } from "./notesStore";
import { useScreenshotStore } from "./screenshotStore";

/** /agent handlers of the agent tools: visitor notes and screenshots. */
export function integrationHandlers(isCurrentProject: (projectId: Id | undefined) => boolean): Partial<AgentEvents> {
  const note = (payload: unknown) => {
    const found = unwrap<VisitorNote>(payload, "note");
    return found && isCurrentProject(found.project_id) ? found : null;
  };
  return {
    "visitor_note:created": (payload) => {
      const found = note(payload);
      if (found) useNotesStore.getState().receive(found);
    },
    "visitor_note:updated": (payload) => {
      const found = note(payload);
      if (found) useNotesStore.getState().receive(found);
    },
    "visitor_note:deleted": (payload) => {
      const found = note(payload);
      if (found) useNotesStore.getState().forget(found);
    },
    "screenshot:updated": (payload) => {
      const shot = unwrap<Screenshot>(payload, "screenshot");
      if (shot && isCurrentProject(shot.project_id) && useScreenshotStore.getState().byId[String(shot.id)]) {
        useScreenshotStore.getState().receive(shot);
      }
    },
  };
}
