import { useTranslation } from "react-i18next";

/** "Verified" when the project's identity HMAC vouched for the visitor; nothing otherwise. */
export function VerifiedBadge({ verified }: { verified: boolean | undefined }) {
  const { t } = useTranslation();
  if (!verified) return null;
  return (
    <span className="chip identity-verified" title={t("identity.verifiedHint")} data-testid="identity-verified">
      <span aria-hidden="true">✓</span> {t("identity.verified")}
    </span>
  );
}

/** "claimed" beside an e-mail that the visitor typed or a page passed without verification. */
export function ClaimedLabel({ verified, email }: { verified: boolean | undefined; email: string | null | undefined }) {
  const { t } = useTranslation();
  if (verified || !email) return null;
  return (
    <span className="identity-claimed muted small" title={t("identity.claimedHint")} data-testid="identity-claimed">
      ({t("identity.claimed")})
    </span>
  );
}
