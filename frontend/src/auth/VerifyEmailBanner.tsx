import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { authApi } from "./authApi";
import { useAuthStore } from "./authStore";

/** Shown until the account's address is confirmed; the account works meanwhile. */
export function VerifyEmailBanner() {
  const { t } = useTranslation();
  const user = useAuthStore((state) => state.user);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    // Tokens carry only {id, email, name}; /me says whether the address is verified.
    if (user && user.email_verified === undefined) {
      authApi
        .me()
        .then((me) => useAuthStore.getState().setUser(me))
        .catch(() => undefined);
    }
  }, [user]);

  if (!user || user.email_verified !== false) return null;
  const resend = async () => {
    try {
      await authApi.resendVerification();
      setNote(t("security.verifySent"));
    } catch (caught) {
      setNote(errorMessage(caught));
    }
  };
  return (
    <div className="verify-banner" role="status">
      {t("security.verifyBanner", { email: user.email })}{" "}
      <button type="button" className="button ghost" onClick={() => void resend()}>
        {t("security.resend")}
      </button>
      {note && <span> {note}</span>}
    </div>
  );
}
