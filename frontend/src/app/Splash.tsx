import { useTranslation } from "react-i18next";

export function Splash() {
  const { t } = useTranslation();
  return (
    <div className="splash" role="status">
      {t("common.loading")}
    </div>
  );
}
