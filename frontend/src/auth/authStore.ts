import { create } from "zustand";
import { api, ApiError } from "../api/client";
import type { Tokens, User } from "../api/types";
import { authApi, isMfaChallenge } from "./authApi";

export type AuthStatus = "loading" | "signedOut" | "mfa" | "signedIn";

interface AuthState {
  status: AuthStatus;
  user: User | null;
  mfaToken: string | null;
  /** Restores the session from the stored refresh token, if any. */
  bootstrap: () => Promise<void>;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (email: string, password: string, name: string) => Promise<void>;
  verifyMfa: (code: string) => Promise<void>;
  /** Finishes a Google / OIDC sign-in with the one-time code from the callback. */
  completeOidc: (code: string) => Promise<void>;
  cancelMfa: () => void;
  signOut: () => Promise<void>;
  setUser: (user: User) => void;
}

export const useAuthStore = create<AuthState>((set, get) => {
  const adopt = (tokens: Tokens) => {
    api.setSession(tokens);
    set({ status: "signedIn", user: tokens.user, mfaToken: null });
  };

  // A refresh failure anywhere (or a sign-out in another tab) ends the session here.
  api.onSessionChange((tokens) => {
    if (tokens) set({ user: tokens.user ?? get().user });
    else if (get().status === "signedIn") set({ status: "signedOut", user: null });
  });

  return {
    status: "loading",
    user: null,
    mfaToken: null,

    bootstrap: async () => {
      if (!api.hasRefreshToken()) {
        set({ status: "signedOut" });
        return;
      }
      try {
        const tokens = await api.refreshSession();
        set({ status: "signedIn", user: tokens.user });
      } catch (error) {
        // A network error keeps the refresh token so that a reload can retry later.
        if (error instanceof ApiError && error.status !== 0) api.clearSession();
        set({ status: "signedOut", user: null });
      }
    },

    signIn: async (email, password) => {
      const answer = await authApi.login(email, password);
      if (isMfaChallenge(answer)) set({ status: "mfa", mfaToken: answer.mfa_token });
      else adopt(answer);
    },

    signUp: async (email, password, name) => {
      adopt(await authApi.register(email, password, name));
    },

    verifyMfa: async (code) => {
      const mfaToken = get().mfaToken;
      if (!mfaToken) throw new ApiError(400, "mfa_expired", "Sign in again");
      adopt(await authApi.verifyMfa(mfaToken, code));
    },

    completeOidc: async (code) => {
      const answer = await authApi.exchangeOidcCode(code);
      if (isMfaChallenge(answer)) set({ status: "mfa", mfaToken: answer.mfa_token });
      else adopt(answer);
    },

    cancelMfa: () => set({ status: "signedOut", mfaToken: null }),

    signOut: async () => {
      await api.logout();
      set({ status: "signedOut", user: null, mfaToken: null });
    },

    setUser: (user) => set({ user }),
  };
});

if (typeof window !== "undefined") {
  // Another tab signed out: the shared refresh token is gone.
  window.addEventListener("storage", (event) => {
    if (
      event.key === "livechat.refresh_token" &&
      event.newValue === null &&
      useAuthStore.getState().status === "signedIn"
    ) {
      api.clearSession();
      useAuthStore.setState({ status: "signedOut", user: null });
    }
  });
}
