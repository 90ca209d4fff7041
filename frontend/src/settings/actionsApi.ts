import { api } from "../api/client";
import type { Id, Page, RuleTemplateList } from "../api/types";
import type { Rule, RuleDraft, RuleRun, RuleTemplate } from "./ruleForm";

const base = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}`;

/** Automation rules, their runs and the template gallery. */
export const actionsApi = {
  rules: (projectId: Id) => api.get<Page<Rule>>(`${base(projectId)}/actions`, { limit: 200 }),
  create: (projectId: Id, draft: RuleDraft) => api.post<Rule>(`${base(projectId)}/actions`, draft),
  update: (projectId: Id, ruleId: Id, patch: Partial<RuleDraft>) =>
    api.patch<Rule>(`${base(projectId)}/actions/${ruleId}`, patch),
  remove: (projectId: Id, ruleId: Id) => api.delete(`${base(projectId)}/actions/${ruleId}`),
  runs: (projectId: Id, ruleId: Id) =>
    api.get<Page<RuleRun>>(`${base(projectId)}/actions/${ruleId}/runs`, { limit: 50 }),
  templates: (projectId: Id) =>
    api.get<Omit<RuleTemplateList, "items"> & { items: RuleTemplate[] }>(`${base(projectId)}/action-templates`),
  addTemplate: (projectId: Id, key: string) =>
    api.post<Rule>(`${base(projectId)}/action-templates/${encodeURIComponent(key)}`, { enabled: true }),
};
