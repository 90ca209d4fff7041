import { useTranslation } from "react-i18next";
import type { CannedPickerState } from "./useCannedPicker";

export const CANNED_PICKER_ID = "canned-picker";

/** The list the `/` picker shows above the composer. */
export function CannedPicker({ picker }: { picker: CannedPickerState }) {
  const { t } = useTranslation();
  if (!picker.isOpen) return null;
  return (
    <ul id={CANNED_PICKER_ID} className="canned-picker" role="listbox" aria-label={t("integrations.canned.picker")}>
      {picker.matches.map((item, index) => (
        <li
          key={String(item.id)}
          id={`canned-option-${item.id}`}
          role="option"
          aria-selected={index === picker.activeIndex}
          className={index === picker.activeIndex ? "active" : undefined}
          onMouseDown={(event) => {
            event.preventDefault(); // keep the textarea focused
            picker.choose(item);
          }}
        >
          <code>/{item.shortcut}</code> <span>{item.title}</span>
          {item.scope === "personal" && <span className="muted small"> · {t("integrations.canned.personal")}</span>}
        </li>
      ))}
    </ul>
  );
}
