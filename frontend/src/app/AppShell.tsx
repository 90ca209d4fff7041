import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Id } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { VerifyEmailBanner } from "../auth/VerifyEmailBanner";
import { NotificationToggle } from "../notifications/NotificationToggle";
import { ProjectSwitcher } from "../projects/ProjectSwitcher";
import { PresenceToggle } from "../realtime/PresenceToggle";
import { ReconnectBanner } from "../realtime/ReconnectBanner";
import { Link } from "./router";
import { ThemeToggle } from "./ThemeToggle";

type Section = "inbox" | "settings" | "profile" | "other";

/** Top bar, connection banner and the page below. */
export function AppShell({
  projectId,
  section,
  children,
}: {
  projectId: Id | null;
  section: Section;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const user = useAuthStore((state) => state.user);
  const signOut = useAuthStore((state) => state.signOut);
  return (
    <div className="app-shell">
      <header className="top-bar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ●
          </span>{" "}
          LiveChat
        </span>
        <ProjectSwitcher projectId={projectId} />
        {projectId != null && (
          <nav className="main-nav" aria-label={t("nav.main")}>
            <Link to={`/projects/${projectId}/conversations`} aria-current={section === "inbox" ? "page" : undefined}>
              {t("nav.inbox")}
            </Link>
            <Link to={`/projects/${projectId}/settings`} aria-current={section === "settings" ? "page" : undefined}>
              {t("nav.settings")}
            </Link>
          </nav>
        )}
        <div className="top-bar-end">
          <PresenceToggle />
          <NotificationToggle />
          <ThemeToggle />
          <Link to="/profile" className="user-link" aria-current={section === "profile" ? "page" : undefined}>
            {user?.name || user?.email}
          </Link>
          <button type="button" className="button ghost" onClick={() => void signOut()}>
            {t("auth.signOut")}
          </button>
        </div>
      </header>
      <ReconnectBanner />
      <VerifyEmailBanner />
      <div className="app-body">{children}</div>
    </div>
  );
}
