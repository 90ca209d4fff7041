import type { Id } from "../api/types";
import type { AgentEvents } from "../realtime/socket";
import { useNotesStore } from "./notesStore";
import { useScreenshotStore } from "./screenshotStore";

/** /agent handlers of the agent tools: visitor notes and screenshots. */
export function integrationHandlers(isCurrentProject: (projectId: Id) => boolean): Partial<AgentEvents> {
  return {
    "visitor_note:created": ({ project_id: projectId, note }) => {
      if (isCurrentProject(projectId)) useNotesStore.getState().receive(note);
    },
    "visitor_note:updated": ({ project_id: projectId, note }) => {
      if (isCurrentProject(projectId)) useNotesStore.getState().receive(note);
    },
    "visitor_note:deleted": ({ project_id: projectId, note }) => {
      if (isCurrentProject(projectId)) useNotesStore.getState().forget(note);
    },
    "screenshot:updated": ({ project_id: projectId, screenshot }) => {
      if (isCurrentProject(projectId) && useScreenshotStore.getState().byId[String(screenshot.id)]) {
        useScreenshotStore.getState().receive(screenshot);
      }
    },
  };
}
