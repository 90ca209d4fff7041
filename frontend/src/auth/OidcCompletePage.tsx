import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, navigate } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { useAuthStore } from "./authStore";

/** Where the provider sign-in lands: the one-time code travels in the fragment, never to a server log. */
export function OidcCompletePage() {
  const { t } = useTranslation();
  // Read once: the effect below wipes the fragment from the address bar.
  const [fragment] = useState(() => new URLSearchParams(window.location.hash.slice(1)));
  const code = fragment.get("code");
  const refusal = code ? null : (fragment.get("error") ?? "oidc_refused");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    window.history.replaceState(null, "", "/oidc-complete");
    if (!code) return;
    useAuthStore
      .getState()
      .completeOidc(code)
      .then(() => navigate("/", { replace: true }))
      .catch((caught) => setError(errorMessage(caught)));
  }, [code]);

  const message = refusal
    ? t(`security.oidcError.${refusal}`, { defaultValue: t("security.oidcError.oidc_refused") })
    : error;

  return (
    <AuthLayout title={t("auth.signInTitle")}>
      {!message && <p>{t("common.loading")}</p>}
      <ErrorNotice message={message} />
      <p className="auth-links">
        <Link to="/">{t("auth.signIn")}</Link>
      </p>
    </AuthLayout>
  );
}
