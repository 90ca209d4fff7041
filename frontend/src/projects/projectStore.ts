import { create } from "zustand";
import { api, errorMessage } from "../api/client";
import type { Id, Page, Project, ProjectPatch } from "../api/types";

interface ProjectState {
  projects: Project[];
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
  load(): Promise<void>;
  create(name: string): Promise<Project>;
  /** Replaces a project after a settings change. */
  replace(project: Project): void;
  remove(projectId: Id): void;
}

export const LAST_PROJECT_KEY = "livechat.project";

export const projectApi = {
  list: () => api.get<Page<Project> | Project[]>("/projects", { limit: 100 }),
  create: (name: string) => api.post<Project>("/projects", { name }),
  get: (projectId: Id) => api.get<Project>(`/projects/${projectId}`),
  update: (projectId: Id, patch: ProjectPatch) => api.patch<Project>(`/projects/${projectId}`, patch),
  remove: (projectId: Id) => api.delete(`/projects/${projectId}`),
};

export const useProjectStore = create<ProjectState>((set, get) => ({
  projects: [],
  status: "idle",
  error: null,

  load: async () => {
    set({ status: "loading", error: null });
    try {
      const answer = await projectApi.list();
      set({ projects: Array.isArray(answer) ? answer : answer.items, status: "ready" });
    } catch (error) {
      set({ status: "error", error: errorMessage(error) });
    }
  },

  create: async (name) => {
    const project = await projectApi.create(name);
    set({ projects: [...get().projects, project] });
    return project;
  },

  replace: (project) =>
    set({ projects: get().projects.map((item) => (item.id === project.id ? { ...item, ...project } : item)) }),

  remove: (projectId) => set({ projects: get().projects.filter((item) => item.id !== projectId) }),
}));

export function findProject(projects: Project[], projectId: Id | null | undefined): Project | undefined {
  return projectId == null ? undefined : projects.find((project) => project.id === projectId);
}
