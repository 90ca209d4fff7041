import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage } from "../i18n";

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="inline-field">
      <span className="visually-hidden">{t("common.language")}</span>
      <select value={i18n.resolvedLanguage} onChange={(e) => setLanguage(e.target.value)}>
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}
