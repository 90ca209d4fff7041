import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { authApi } from "./authApi";

/** Ask for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [isSent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await authApi.forgotPassword(email.trim());
      setSent(true);
    } catch (caught) {
      setError(errorMessage(caught));
    }
    setBusy(false);
  };

  return (
    <AuthLayout title={t("security.forgotTitle")}>
      {isSent ? (
        <p role="status">{t("security.forgotSent")}</p>
      ) : (
        <form className="form" onSubmit={submit}>
          <p className="muted">{t("security.forgotHelp")}</p>
          <label htmlFor="forgot-email">{t("auth.email")}</label>
          <input
            id="forgot-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <ErrorNotice message={error} />
          <button className="button primary" type="submit" disabled={isBusy}>
            {t("security.sendResetLink")}
          </button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/">{t("auth.haveAccount")}</Link>
      </p>
    </AuthLayout>
  );
}
