import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, useLocation } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { ProviderButtons } from "./ProviderButtons";
import { PASSWORD_MIN_LENGTH } from "./passwordPolicy";
import { useAuthStore } from "./authStore";

export function SignUpPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const signUp = useAuthStore((state) => state.signUp);
  const [name, setName] = useState("");
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
      await signUp(email.trim(), password, name.trim());
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("auth.signUpTitle")}>
      <form className="form" onSubmit={submit}>
        <label htmlFor="signup-name">{t("auth.name")}</label>
        <input id="signup-name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="signup-email">{t("auth.email")}</label>
        <input
          id="signup-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="signup-password">{t("auth.password")}</label>
        <input
          id="signup-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_LENGTH}
          aria-describedby="signup-password-help"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="signup-password-help" className="muted small">
          {t("security.passwordRules")}
        </p>
        <ErrorNotice message={error} />
        <button className="button primary" type="submit" disabled={isBusy}>
          {t("auth.signUp")}
        </button>
      </form>
      <ProviderButtons />
      <p className="auth-links">
        <Link to={next ? `/signin?next=${encodeURIComponent(next)}` : "/signin"}>{t("auth.haveAccount")}</Link>
      </p>
    </AuthLayout>
  );
}
