import { useTranslation } from "react-i18next";
import { setThemePreference, useThemePreference } from "./theme";
import type { ThemePreference } from "./theme";

const order: ThemePreference[] = ["system", "light", "dark"];

/** Cycles system → light → dark; the label says what is in force. */
export function ThemeToggle() {
  const { t } = useTranslation();
  const preference = useThemePreference();
  const next: ThemePreference = order[(order.indexOf(preference) + 1) % order.length] ?? "system";
  return (
    <button
      type="button"
      className="button ghost"
      onClick={() => setThemePreference(next)}
      aria-label={t("theme.toggle", { current: t(`theme.${preference}`) })}
      title={t("theme.toggle", { current: t(`theme.${preference}`) })}
    >
      <span aria-hidden="true">{preference === "dark" ? "☾" : preference === "light" ? "☀" : "◐"}</span>
      <span className="toggle-text">{t(`theme.${preference}`)}</span>
    </button>
  );
}
