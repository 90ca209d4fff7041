import { api } from "../api/client";
import type { AuditEntry, Id, Page } from "../api/types";

export interface AuditFilters {
  action?: string;
  actor_type?: string;
  target_type?: string;
  since?: string;
  until?: string;
}

export const auditApi = {
  list: (projectId: Id, filters: AuditFilters, cursor?: string | null) =>
    api.get<Page<AuditEntry>>(`/projects/${projectId}/audit-logs`, {
      limit: 50,
      ...filters,
      cursor: cursor ?? undefined,
    }),
};
