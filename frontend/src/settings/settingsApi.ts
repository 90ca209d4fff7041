import { api } from "../api/client";
import type { ApiKey, Id, Invitation, Member, Page, Role } from "../api/types";

const base = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}`;

export const settingsApi = {
  members: (projectId: Id) => api.get<Page<Member>>(`${base(projectId)}/members`, { limit: 100 }),
  changeRole: (projectId: Id, userId: Id, role: Role) =>
    api.patch<Member>(`${base(projectId)}/members/${userId}`, { role }),
  removeMember: (projectId: Id, userId: Id) => api.delete(`${base(projectId)}/members/${userId}`),
  invitations: (projectId: Id) => api.get<Page<Invitation>>(`${base(projectId)}/invitations`, { limit: 100 }),
  invite: (projectId: Id, email: string, role: Role) =>
    api.post<Invitation>(`${base(projectId)}/invitations`, { email, role }),
  revokeInvitation: (projectId: Id, invitationId: Id) => api.delete(`${base(projectId)}/invitations/${invitationId}`),
  apiKeys: (projectId: Id) => api.get<Page<ApiKey>>(`${base(projectId)}/api-keys`, { limit: 100 }),
  createApiKey: (projectId: Id, name: string, role: Role) =>
    api.post<ApiKey>(`${base(projectId)}/api-keys`, { name, role }),
  revokeApiKey: (projectId: Id, keyId: Id) => api.delete(`${base(projectId)}/api-keys/${keyId}`),
};
