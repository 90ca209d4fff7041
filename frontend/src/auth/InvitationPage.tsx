import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { Link, navigate } from "../app/router";
import { useProjectStore } from "../projects/projectStore";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AuthLayout } from "./AuthLayout";
import { authApi } from "./authApi";
import { useAuthStore } from "./authStore";

/** /invitations/:token — sign in (or up) first, then join the project. */
export function InvitationPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const user = useAuthStore((state) => state.user);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const here = `/invitations/${encodeURIComponent(token)}`;

  if (!user) {
    return (
      <AuthLayout title={t("invitation.title")}>
        <p>{t("invitation.signInFirst")}</p>
        <p className="auth-links">
          <Link className="button primary" to={`/signin?next=${encodeURIComponent(here)}`}>
            {t("auth.signIn")}
          </Link>
          <Link className="button secondary" to={`/signup?next=${encodeURIComponent(here)}`}>
            {t("auth.createAccount")}
          </Link>
        </p>
      </AuthLayout>
    );
  }

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const { project } = await authApi.acceptInvitation(token);
      await useProjectStore.getState().load();
      navigate(`/projects/${project.id}/conversations`, { replace: true });
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("invitation.title")}>
      <p>{t("invitation.acceptAs", { email: user.email })}</p>
      <ErrorNotice message={error} />
      <div className="form">
        <button className="button primary" type="button" onClick={accept} disabled={isBusy}>
          {t("invitation.accept")}
        </button>
        <Link className="button secondary" to="/">
          {t("common.cancel")}
        </Link>
      </div>
    </AuthLayout>
  );
}
