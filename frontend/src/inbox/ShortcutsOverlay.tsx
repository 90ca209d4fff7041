import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

const SHORTCUTS: Array<[string, string]> = [
  ["j", "shortcuts.next"],
  ["k", "shortcuts.previous"],
  ["r", "shortcuts.reply"],
  ["e", "shortcuts.resolve"],
  ["a", "shortcuts.assignToMe"],
  ["/", "shortcuts.search"],
  ["?", "shortcuts.help"],
  ["Esc", "shortcuts.close"],
];

/** The "?" overlay listing keyboard shortcuts. */
export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeButton.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        onClose();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [onClose]);

  return (
    <div className="overlay" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onClick={(event) => event.stopPropagation()}
      >
        <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
        <dl className="shortcut-list">
          {SHORTCUTS.map(([key, label]) => (
            <div key={key} className="shortcut-row">
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{t(label)}</dd>
            </div>
          ))}
          <div className="shortcut-row">
            <dt>
              <kbd>Enter</kbd> / <kbd>Shift</kbd>+<kbd>Enter</kbd>
            </dt>
            <dd>{t("shortcuts.sendNewline")}</dd>
          </div>
        </dl>
        <button ref={closeButton} type="button" className="button secondary" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
    </div>
  );
}
