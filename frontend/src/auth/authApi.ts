import { api } from "../api/client";
import type {
  AuditEntry,
  Identity,
  InvitationAccepted,
  LoginAnswer,
  Me,
  MfaChallenge,
  OidcProvider,
  Page,
  RecoveryCodes,
  Tokens,
  TwoFactorSetup,
} from "../api/types";

export type { LoginAnswer };

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
      body: /^[0-9\s]{6,8}$/.test(code)
        ? { mfa_token: mfaToken, code: code.replace(/\s/g, "") }
        : { mfa_token: mfaToken, recovery_code: code.trim() },
      auth: false,
    }),
  me: () => api.get<Me>("/me"),
  updateMe: (patch: { name: string }) => api.patch<Me>("/me", patch),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>("/me/password", { current_password: currentPassword, new_password: newPassword }),
  forgotPassword: (email: string) =>
    api.request<void>("POST", "/auth/password/forgot", { body: { email }, auth: false }),
  resetPassword: (token: string, password: string) =>
    api.request<void>("POST", "/auth/password/reset", { body: { token, password }, auth: false }),
  verifyEmail: (token: string) => api.request<void>("POST", "/auth/verify-email", { body: { token }, auth: false }),
  resendVerification: () => api.post<void>("/me/verify-email/resend"),
  setupTwoFactor: () => api.post<TwoFactorSetup>("/me/2fa/setup"),
  enableTwoFactor: (code: string) => api.post<RecoveryCodes>("/me/2fa/enable", { code }),
  disableTwoFactor: (password: string, code: string) => api.post<void>("/me/2fa/disable", { password, code }),
  regenerateRecoveryCodes: (code: string) => api.post<RecoveryCodes>("/me/2fa/recovery-codes", { code }),
  securityEvents: (cursor?: string | null) =>
    api.get<Page<AuditEntry>>("/me/security-events", { limit: 20, cursor: cursor ?? undefined }),
  providers: () =>
    api.request<{ providers: OidcProvider[] }>("GET", "/auth/oidc/providers", {
      auth: false,
    }),
  exchangeOidcCode: (code: string) =>
    api.request<LoginAnswer>("POST", "/auth/oidc/exchange", { body: { code }, auth: false }),
  identities: () => api.get<{ items: Identity[] }>("/me/identities"),
  unlinkIdentity: (id: number) => api.delete(`/me/identities/${id}`),
  acceptInvitation: (token: string) => api.post<InvitationAccepted>(`/invitations/${encodeURIComponent(token)}/accept`),
};
