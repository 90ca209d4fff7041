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
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    window.history.replaceState(null, "", "/oidc-complete");
    const code = fragment.get("code");
    if (!code) {
      const reason = fragment.get("error") ?? "oidc_refused";
      setError(t(`security.oidcError.${reason}`, { defaultValue: t("security.oidcError.oidc_refused") }));
      return;
    }
    useAuthStore
      .getState()
      .completeOidc(code)
      .then(() => navigate("/", { replace: true }))
      .catch((caught) => setError(errorMessage(caught)));
  }, [t]);

  return (
    <AuthLayout title={t("auth.signInTitle")}>
      {!error && <p>{t("common.loading")}</p>}
      <ErrorNotice message={error} />
      <p className="auth-links">
        <Link to="/">{t("auth.signIn")}</Link>
      </p>
    </AuthLayout>
  );
}
