import { useTranslation } from "react-i18next";
import { BellIcon, MonitorIcon } from "../ui/icons";
import { requestDesktopPermission, setDesktopEnabled, setSoundEnabled, useNotificationPrefs } from "./notify";

/** Sound on/off and desktop notifications (asks for permission on first use). */
export function NotificationToggle() {
  const { t } = useTranslation();
  const prefs = useNotificationPrefs();
  const desktopOn = prefs.desktop && prefs.permission === "granted";
  return (
    <div className="notification-toggle">
      <button
        type="button"
        className="button ghost"
        aria-pressed={prefs.sound}
        onClick={() => setSoundEnabled(!prefs.sound)}
        title={t("notifications.sound")}
      >
        <BellIcon muted={!prefs.sound} />
        <span className="visually-hidden">{t("notifications.sound")}</span>
      </button>
      {prefs.permission !== "unsupported" && prefs.permission !== "denied" && (
        <button
          type="button"
          className="button ghost"
          aria-pressed={desktopOn}
          onClick={() =>
            prefs.permission === "granted" ? setDesktopEnabled(!prefs.desktop) : void requestDesktopPermission()
          }
          title={t("notifications.desktop")}
        >
          <MonitorIcon muted={!desktopOn} />
          <span className="visually-hidden">{t("notifications.desktop")}</span>
        </button>
      )}
    </div>
  );
}
