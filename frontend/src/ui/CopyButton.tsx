import { useState } from "react";
import { useTranslation } from "react-i18next";

/** Copies a text to the clipboard and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard access (plain http), the text stays selectable beside the button.
      return;
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className="button secondary" onClick={copy}>
      {copied ? t("common.copied") : (label ?? t("common.copy"))}
    </button>
  );
}
