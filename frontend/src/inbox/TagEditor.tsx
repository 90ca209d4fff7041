import { useState } from "react";
import { useTranslation } from "react-i18next";

/** Tags as removable chips plus an input that adds one on Enter. */
export function TagEditor({
  tags,
  disabled,
  onChange,
}: {
  tags: string[];
  disabled: boolean;
  onChange: (tags: string[]) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState("");
  const add = () => {
    const tag = draft.trim().toLowerCase();
    setDraft("");
    if (tag && !tags.includes(tag)) onChange([...tags, tag]);
  };
  return (
    <div className="tag-editor">
      <ul className="tags" aria-label={t("actions.tags")}>
        {tags.map((tag) => (
          <li key={tag} className="chip">
            {tag}
            <button
              type="button"
              className="link-button"
              disabled={disabled}
              aria-label={t("actions.removeTag", { tag })}
              onClick={() => onChange(tags.filter((other) => other !== tag))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <label className="inline-field">
        <span className="visually-hidden">{t("actions.addTag")}</span>
        <input
          value={draft}
          placeholder={t("actions.addTag")}
          disabled={disabled}
          maxLength={50}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
      </label>
    </div>
  );
}
