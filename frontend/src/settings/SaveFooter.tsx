import { useTranslation } from "react-i18next";
import { ErrorNotice } from "../ui/ErrorNotice";
import type { useSave } from "./useSave";

/** The end of a settings form: its error, the Save button (managers only), and "Saved" once it is. */
export function SaveFooter({ save, canSave }: { save: ReturnType<typeof useSave>; canSave: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorNotice message={save.error} />
      {canSave && (
        <button className="button primary" type="submit">
          {t("common.save")}
        </button>
      )}
      {save.isSaved && (
        <span role="status" className="saved">
          {t("common.saved")}
        </span>
      )}
    </>
  );
}
