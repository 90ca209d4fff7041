import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, useLocation } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { authApi } from "./authApi";
import { PASSWORD_MIN_LENGTH } from "./passwordPolicy";

/** The page the reset mail links to: choose a new password (every session is signed out). */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [isDone, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await authApi.resetPassword(token, password);
      setDone(true);
    } catch (caught) {
      setError(errorMessage(caught));
    }
    setBusy(false);
  };

  return (
    <AuthLayout title={t("security.resetTitle")}>
      {isDone ? (
        <p role="status">{t("security.resetDone")}</p>
      ) : (
        <form className="form" onSubmit={submit}>
          <label htmlFor="reset-password">{t("profile.newPassword")}</label>
          <input
            id="reset-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            aria-describedby="reset-password-help"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <p id="reset-password-help" className="muted small">
            {t("security.passwordRules")}
          </p>
          <ErrorNotice message={error} />
          <button className="button primary" type="submit" disabled={isBusy || !token}>
            {t("security.setPassword")}
          </button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/">{t("auth.signIn")}</Link>
      </p>
    </AuthLayout>
  );
}
