import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { useAuthStore } from "./authStore";

/** Second step of sign-in when two-factor authentication is on. */
export function MfaPage() {
  const { t } = useTranslation();
  const verifyMfa = useAuthStore((state) => state.verifyMfa);
  const cancelMfa = useAuthStore((state) => state.cancelMfa);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await verifyMfa(code);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("auth.mfaTitle")}>
      <p className="muted">{t("auth.mfaHelp")}</p>
      <form className="form" onSubmit={submit}>
        <label htmlFor="mfa-code">{t("auth.mfaCode")}</label>
        <input
          id="mfa-code"
          autoComplete="one-time-code"
          inputMode="text"
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <ErrorNotice message={error} />
        <button className="button primary" type="submit" disabled={isBusy}>
          {t("auth.verify")}
        </button>
        <button className="button secondary" type="button" onClick={cancelMfa}>
          {t("common.back")}
        </button>
      </form>
    </AuthLayout>
  );
}
