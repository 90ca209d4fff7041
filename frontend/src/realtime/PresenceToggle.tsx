import { useTranslation } from "react-i18next";
import { useRealtimeStore } from "./realtimeStore";

/** The agent's own status, seen by the rest of the team. */
export function PresenceToggle() {
  const { t } = useTranslation();
  const myStatus = useRealtimeStore((state) => state.myStatus);
  const setMyStatus = useRealtimeStore((state) => state.setMyStatus);
  return (
    <label className="inline-field presence-toggle">
      <span className={`presence-dot ${myStatus}`} aria-hidden="true" />
      <span className="visually-hidden">{t("presence.label")}</span>
      <select value={myStatus} onChange={(e) => setMyStatus(e.target.value as "online" | "away")}>
        <option value="online">{t("presence.online")}</option>
        <option value="away">{t("presence.away")}</option>
      </select>
    </label>
  );
}
