import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, useLocation } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { ProviderButtons } from "./ProviderButtons";
import { useAuthStore } from "./authStore";

export function SignInPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const signIn = useAuthStore((state) => state.signIn);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const next = search.get("next");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("auth.signInTitle")}>
      <form className="form" onSubmit={submit}>
        <label htmlFor="signin-email">{t("auth.email")}</label>
        <input
          id="signin-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="signin-password">{t("auth.password")}</label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNotice message={error} />
        <button className="button primary" type="submit" disabled={isBusy}>
          {isBusy ? t("auth.signingIn") : t("auth.signIn")}
        </button>
      </form>
      <ProviderButtons />
      <p className="auth-links">
        <Link to="/forgot-password">{t("auth.forgotPassword")}</Link>
        <Link to={next ? `/signup?next=${encodeURIComponent(next)}` : "/signup"}>{t("auth.createAccount")}</Link>
      </p>
    </AuthLayout>
  );
}
