import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, useLocation } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { authApi } from "./authApi";
import { useAuthStore } from "./authStore";

/** The page the verification mail links to; works signed in or out. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get("token") ?? "";
  const [state, setState] = useState<"busy" | "done" | "failed">("busy");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let isCurrent = true;
    authApi
      .verifyEmail(token)
      .then(() => {
        if (!isCurrent) return;
        setState("done");
        const user = useAuthStore.getState().user;
        if (user) useAuthStore.getState().setUser({ ...user, email_verified: true });
      })
      .catch((caught) => {
        if (!isCurrent) return;
        setError(errorMessage(caught));
        setState("failed");
      });
    return () => {
      isCurrent = false;
    };
  }, [token]);

  return (
    <AuthLayout title={t("security.verifyTitle")}>
      {state === "busy" && <p>{t("common.loading")}</p>}
      {state === "done" && <p role="status">{t("security.verifyDone")}</p>}
      <ErrorNotice message={error} />
      <p className="auth-links">
        <Link to="/">{t("security.continue")}</Link>
      </p>
    </AuthLayout>
  );
}
