import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { authApi } from "../auth/authApi";
import { ErrorNotice } from "../ui/ErrorNotice";

type Identity = { id: number; provider: string; email: string | null; created_at: string };

/** Google / OIDC accounts linked to mine; the last way to sign in cannot be unlinked (the server says so). */
export function IdentitiesSection() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Identity[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    authApi
      .identities()
      .then((answer) => setItems(answer.items))
      .catch((caught) => setError(errorMessage(caught)));

  useEffect(() => {
    void load();
  }, []);

  if (items.length === 0 && !error) return null;
  const unlink = async (identity: Identity) => {
    setError(null);
    try {
      await authApi.unlinkIdentity(identity.id);
      await load();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  return (
    <section aria-labelledby="identities-title">
      <h2 id="identities-title">{t("security.identities")}</h2>
      <ul>
        {items.map((identity) => (
          <li key={identity.id}>
            {identity.provider} — {identity.email}{" "}
            <button type="button" className="button secondary" onClick={() => void unlink(identity)}>
              {t("security.unlink")}
            </button>
          </li>
        ))}
      </ul>
      <ErrorNotice message={error} />
    </section>
  );
}
