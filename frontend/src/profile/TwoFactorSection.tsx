import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TwoFactorSetup } from "../api/types";
import { authApi } from "../auth/authApi";
import { useAuthStore } from "../auth/authStore";
import { useSave } from "../settings/useSave";
import { CopyButton } from "../ui/CopyButton";
import { ErrorNotice } from "../ui/ErrorNotice";

/** Enrol in TOTP (QR code, manual secret, recovery codes shown once), regenerate codes, or turn it off. */
export function TwoFactorSection() {
  const { t } = useTranslation();
  const user = useAuthStore((state) => state.user);
  const setUser = useAuthStore((state) => state.setUser);
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const action = useSave();
  const isEnabled = Boolean(user?.two_factor_enabled);

  const start = () => action.run(async () => setSetup(await authApi.setupTwoFactor()));

  const enable = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const answer = await authApi.enableTwoFactor(code.replace(/\s/g, ""));
      setRecoveryCodes(answer.recovery_codes);
      setSetup(null);
      setCode("");
      if (user) setUser({ ...user, two_factor_enabled: true });
    });
  };

  const regenerate = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      setRecoveryCodes((await authApi.regenerateRecoveryCodes(code.replace(/\s/g, ""))).recovery_codes);
      setCode("");
    });
  };

  const disable = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await authApi.disableTwoFactor(password, code.replace(/\s/g, ""));
      setCode("");
      setPassword("");
      setRecoveryCodes(null);
      if (user) setUser({ ...user, two_factor_enabled: false });
    });
  };

  const download = () => {
    const blob = new Blob([(recoveryCodes ?? []).join("\n") + "\n"], { type: "text/plain" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "livechat-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(link.href);
  };

  const codeInput = (
    <>
      <label htmlFor="twofa-code">{t("security.code")}</label>
      <input
        id="twofa-code"
        autoComplete="one-time-code"
        inputMode="numeric"
        required
        pattern="[0-9 ]{6,8}"
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
    </>
  );

  return (
    <section aria-labelledby="twofa-title">
      <h2 id="twofa-title">{t("security.twoFactor")}</h2>
      <p className="muted">{isEnabled ? t("security.twoFactorOn") : t("security.twoFactorOff")}</p>
      {recoveryCodes && (
        <div className="secret-box">
          <h3>{t("security.recoveryCodes")}</h3>
          <p className="muted small">{t("security.recoveryCodesHelp")}</p>
          <ul className="recovery-codes" aria-label={t("security.recoveryCodes")}>
            {recoveryCodes.map((item) => (
              <li key={item}>
                <code>{item}</code>
              </li>
            ))}
          </ul>
          <CopyButton text={recoveryCodes.join("\n")} />{" "}
          <button type="button" className="button secondary" onClick={download}>
            {t("security.download")}
          </button>
        </div>
      )}
      {!isEnabled && !setup && (
        <button type="button" className="button primary" onClick={() => void start()} disabled={action.isBusy}>
          {t("security.enable")}
        </button>
      )}
      {!isEnabled && setup && (
        <form className="form" onSubmit={enable}>
          <p>{t("security.scan")}</p>
          <img
            className="qr-code"
            alt={t("security.qrAlt")}
            width={200}
            height={200}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`}
          />
          <p className="muted small">
            {t("security.manualSecret")} <code data-testid="totp-secret">{setup.secret}</code>{" "}
            <CopyButton text={setup.secret} />
          </p>
          {codeInput}
          <button className="button primary" type="submit" disabled={action.isBusy}>
            {t("security.confirmEnable")}
          </button>
        </form>
      )}
      {isEnabled && (
        <>
          <form className="form" onSubmit={regenerate} aria-label={t("security.regenerate")}>
            {codeInput}
            <button className="button secondary" type="submit" disabled={action.isBusy}>
              {t("security.regenerate")}
            </button>
          </form>
          <form className="form" onSubmit={disable} aria-label={t("security.disable")}>
            <label htmlFor="twofa-password">{t("profile.currentPassword")}</label>
            <input
              id="twofa-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <p className="muted small">{t("security.disableHelp")}</p>
            <button className="button danger" type="submit" disabled={action.isBusy}>
              {t("security.disable")}
            </button>
          </form>
        </>
      )}
      <ErrorNotice message={action.error} />
    </section>
  );
}
