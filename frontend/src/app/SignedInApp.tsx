import { lazy, Suspense, useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { Id } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { EnrolmentRequired } from "../auth/EnrolmentRequired";
import { InvitationPage } from "../auth/InvitationPage";
import { InboxPage } from "../inbox/InboxPage";
import { CreateProjectPage } from "../projects/CreateProjectPage";
import { findProject, LAST_PROJECT_KEY, useProjectStore } from "../projects/projectStore";
import { startRealtime } from "../realtime/startRealtime";
import { ErrorNotice } from "../ui/ErrorNotice";
import { AppShell } from "./AppShell";
import { parseId } from "./ids";
import { matchPath, navigate, useLocation } from "./router";
import { Splash } from "./Splash";

const SettingsPage = lazy(() => import("../settings/SettingsPage"));
const ProfilePage = lazy(() => import("../profile/ProfilePage"));

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** Everything behind sign-in: projects, the live connection and the routes. Loaded lazily. */
export default function SignedInApp() {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const projects = useProjectStore((state) => state.projects);
  const projectStatus = useProjectStore((state) => state.status);
  const projectError = useProjectStore((state) => state.error);
  const user = useAuthStore((state) => state.user);

  useEffect(() => {
    void useProjectStore.getState().load();
    return startRealtime();
  }, []);

  const isAuthPath = pathname === "/signin" || pathname === "/signup";
  useEffect(() => {
    if (isAuthPath) navigate(safeNext(search.get("next")), { replace: true });
  }, [isAuthPath, search]);

  const invitation = matchPath("/invitations/:token", pathname);
  if (invitation?.token) return <InvitationPage token={invitation.token} />;

  if (projectStatus === "idle" || (projectStatus === "loading" && projects.length === 0)) return <Splash />;
  if (projectStatus === "error" && projects.length === 0) {
    return (
      <AppShell projectId={null} section="other">
        <main className="page narrow">
          <ErrorNotice message={projectError} />
          <button className="button primary" type="button" onClick={() => void useProjectStore.getState().load()}>
            {t("common.retry")}
          </button>
        </main>
      </AppShell>
    );
  }

  if (pathname === "/profile") {
    return (
      <AppShell projectId={lastProjectId()} section="profile">
        <Suspense fallback={<Splash />}>
          <ProfilePage />
        </Suspense>
      </AppShell>
    );
  }

  if (pathname === "/projects/new" || projects.length === 0) {
    return (
      <AppShell projectId={null} section="other">
        <CreateProjectPage isFirst={projects.length === 0} />
      </AppShell>
    );
  }

  const settings = matchPath("/projects/:pid/settings/:tab?", pathname);
  const inbox = matchPath("/projects/:pid/conversations/:cid?", pathname);
  const project = findProject(projects, parseId(settings?.pid ?? inbox?.pid));
  if (!project) return <RedirectToInbox />;
  localStorage.setItem(LAST_PROJECT_KEY, String(project.id));

  // The server answers 403 mfa_enrolment_required on every route of such a project: say why, once.
  if (project.require_2fa && user?.two_factor_enabled === false) {
    return (
      <AppShell projectId={project.id} section="other">
        <EnrolmentRequired project={project} />
      </AppShell>
    );
  }

  if (settings) {
    return (
      <AppShell projectId={project.id} section="settings">
        <Suspense fallback={<Splash />}>
          <SettingsPage project={project} tab={settings.tab ?? "general"} />
        </Suspense>
      </AppShell>
    );
  }
  return (
    <AppShell projectId={project.id} section="inbox">
      <InboxPage project={project} conversationId={parseId(inbox?.cid)} />
    </AppShell>
  );
}

function lastProjectId(): Id | null {
  const projects = useProjectStore.getState().projects;
  return (findProject(projects, parseId(localStorage.getItem(LAST_PROJECT_KEY))) ?? projects[0])?.id ?? null;
}

function RedirectToInbox() {
  useEffect(() => {
    const target = lastProjectId();
    navigate(target ? `/projects/${target}/conversations` : "/projects/new", { replace: true });
  }, []);
  return <Splash />;
}
