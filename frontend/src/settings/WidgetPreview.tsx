import { useTranslation } from "react-i18next";
import type { WidgetConfig } from "../api/types";

/** A static mock of the widget that follows the form as it is edited. */
export function WidgetPreview({ widget }: { widget: Required<WidgetConfig> }) {
  const { t } = useTranslation();
  const accent = /^#[0-9a-f]{6}$/i.test(widget.color) ? widget.color : "#1f6feb";
  return (
    <figure className="widget-preview" aria-label={t("widget.preview")}>
      <div className={`preview-page ${widget.position}`}>
        <div className="preview-panel">
          <div className="preview-header" style={{ background: accent }}>
            {t("widget.previewTitle")}
          </div>
          <div className="preview-body">
            <p className="preview-bubble">{widget.greeting || t("widget.greetingPlaceholder")}</p>
            <p className="preview-away muted small">{widget.away_message}</p>
          </div>
        </div>
        <span className="preview-launcher" style={{ background: accent }}>
          {widget.launcher_text || t("widget.previewTitle")}
        </span>
      </div>
      <figcaption className="muted small">{t("widget.preview")}</figcaption>
    </figure>
  );
}
