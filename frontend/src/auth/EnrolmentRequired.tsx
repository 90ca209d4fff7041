import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { Project } from "../api/types";
import { Link } from "../app/router";
import { authApi } from "./authApi";
import { useAuthStore } from "./authStore";

/** A project that requires 2FA, seen by a member without it: what is wrong and where to fix it. */
export function EnrolmentRequired({ project }: { project: Project }) {
  const { t } = useTranslation();

  useEffect(() => {
    // 2FA may have been turned on elsewhere (another tab, the API) since /me was read.
    authApi
      .me()
      .then((me) => useAuthStore.getState().setUser(me))
      .catch(() => undefined);
  }, [project.id]);

  return (
    <main className="page narrow" data-testid="mfa-enrolment-required">
      <h1>{t("security.enrolmentRequiredTitle")}</h1>
      <p>{t("security.enrolmentRequiredHelp", { project: project.name })}</p>
      <Link className="button primary" to="/profile">
        {t("security.enrolmentRequiredAction")}
      </Link>
    </main>
  );
}
