import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { authApi } from "./authApi";

/** "Sign in with Google" / "Sign in with <issuer>": only the providers this server has configured. */
export function ProviderButtons() {
  const { t } = useTranslation();
  const [providers, setProviders] = useState<{ id: string; name: string; start_url: string }[]>([]);
  useEffect(() => {
    authApi
      .providers()
      .then((answer) => setProviders(Array.isArray(answer?.providers) ? answer.providers : []))
      .catch(() => setProviders([]));
  }, []);
  if (providers.length === 0) return null;
  return (
    <div className="provider-buttons">
      {providers.map((provider) => (
        <a key={provider.id} className="button secondary" href={provider.start_url}>
          {t("security.signInWith", { name: provider.name })}
        </a>
      ))}
    </div>
  );
}
