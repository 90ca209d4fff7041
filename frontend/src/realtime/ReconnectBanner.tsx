import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRealtimeStore } from "./realtimeStore";

const FIRST_CONNECT_GRACE_MS = 2500;

/** Shown while the live connection is down; the inbox resumes by seq once it is back. */
export function ReconnectBanner() {
  const { t } = useTranslation();
  const connection = useRealtimeStore((state) => state.connection);
  const [isSlowFirstConnect, setSlowFirstConnect] = useState(false);

  useEffect(() => {
    if (connection !== "connecting") return;
    const timer = setTimeout(() => setSlowFirstConnect(true), FIRST_CONNECT_GRACE_MS);
    // Leaving "connecting" (either way) ends this wait.
    return () => {
      clearTimeout(timer);
      setSlowFirstConnect(false);
    };
  }, [connection]);

  if (connection !== "reconnecting" && !isSlowFirstConnect) return null;
  return (
    <div className="reconnect-banner" role="status">
      {connection === "reconnecting" ? t("realtime.reconnecting") : t("realtime.connecting")}
    </div>
  );
}
