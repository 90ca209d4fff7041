import { useApp } from "../context";

/** Says when messages cannot go out right now; they wait in the offline queue. */
export function ConnectionBanner() {
  const { state, t } = useApp();
  const text =
    state.connection === "offline" ? t("offline") : state.connection === "reconnecting" ? t("reconnecting") : "";
  return (
    <div role="status" class={text ? "lc-banner" : "lc-sr"}>
      {text}
    </div>
  );
}
