import { api } from "../api/client";
import type { MfaChallenge, Tokens, User } from "../api/types";

export type LoginAnswer = Tokens | MfaChallenge;

export function isMfaChallenge(answer: LoginAnswer): answer is MfaChallenge {
  return (answer as MfaChallenge).mfa_required === true;
}

export const authApi = {
  login: (email: string, password: string) =>
    api.request<LoginAnswer>("POST", "/auth/login", { body: { email, password }, auth: false }),
  register: (email: string, password: string, name: string) =>
    api.request<Tokens>("POST", "/auth/register", { body: { email, password, name }, auth: false }),
  verifyMfa: (mfaToken: string, code: string) =>
    api.request<Tokens>("POST", "/auth/2fa/verify", {
      body: /^[0-9\s]{6,8}$/.test(code) ? { mfa_token: mfaToken, code: code.replace(/\s/g, "") } : { mfa_token: mfaToken, recovery_code: code.trim() },
      auth: false,
    }),
  me: () => api.get<User>("/me"),
  updateMe: (patch: { name: string }) => api.patch<User>("/me", patch),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>("/me/password", { current_password: currentPassword, new_password: newPassword }),
  acceptInvitation: (token: string) =>
    api.post<unknown>(`/invitations/${encodeURIComponent(token)}/accept`),
};
