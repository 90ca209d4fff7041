import { useTranslation } from "react-i18next";
import type { Project } from "../api/types";
import { Link } from "../app/router";
import { CannedSettings } from "../integrations/CannedSettings";
import { MailSettings } from "../integrations/MailSettings";
import { WebhooksSettings } from "../integrations/WebhooksSettings";
import { ApiKeysSettings } from "./ApiKeysSettings";
import { AutomationSettings } from "./AutomationSettings";
import { GeneralSettings } from "./GeneralSettings";
import { InboxSettings } from "./InboxSettings";
import { InvitationsSettings } from "./InvitationsSettings";
import { MembersSettings } from "./MembersSettings";
import { SecuritySettings } from "./SecuritySettings";
import { WidgetSettings } from "./WidgetSettings";

const TABS = [
  "general",
  "widget",
  "inbox",
  "automation",
  "members",
  "invitations",
  "api-keys",
  "security",
  "email",
  "canned-responses",
  "webhooks",
] as const;
type Tab = (typeof TABS)[number];
const MANAGER_ONLY: Tab[] = ["invitations", "api-keys", "security", "webhooks"];

/** Project settings; managers edit, agents read. Loaded lazily. */
export default function SettingsPage({ project, tab }: { project: Project; tab: string }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const tabs = TABS.filter((item) => isManager || !MANAGER_ONLY.includes(item));
  const current: Tab = (tabs as readonly string[]).includes(tab) ? (tab as Tab) : "general";

  return (
    <div className="settings">
      <nav className="settings-nav" aria-label={t("settings.sections")}>
        <h1>{t("settings.title")}</h1>
        <ul>
          {tabs.map((item) => (
            <li key={item}>
              <Link
                to={`/projects/${project.id}/settings/${item}`}
                aria-current={item === current ? "page" : undefined}
              >
                {t(`settings.tab.${item}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {/* Keyed by project: every form starts over when another project is opened. */}
      <main className="settings-body" key={project.id}>
        {!isManager && current !== "canned-responses" && <p className="notice">{t("settings.readOnly")}</p>}
        {current === "general" && <GeneralSettings project={project} />}
        {current === "widget" && <WidgetSettings project={project} />}
        {current === "inbox" && <InboxSettings project={project} />}
        {current === "email" && <MailSettings project={project} />}
        {current === "automation" && <AutomationSettings project={project} />}
        {current === "members" && <MembersSettings project={project} />}
        {current === "invitations" && <InvitationsSettings project={project} />}
        {current === "api-keys" && <ApiKeysSettings project={project} />}
        {current === "security" && <SecuritySettings project={project} />}
        {current === "canned-responses" && <CannedSettings project={project} />}
        {current === "webhooks" && <WebhooksSettings project={project} />}
      </main>
    </div>
  );
}
