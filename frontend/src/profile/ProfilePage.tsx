import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "../app/LanguageSelect";
import { ThemeToggle } from "../app/ThemeToggle";
import { authApi } from "../auth/authApi";
import { useAuthStore } from "../auth/authStore";
import { PASSWORD_MIN_LENGTH } from "../auth/passwordPolicy";
import { IdentitiesSection } from "./IdentitiesSection";
import { SecurityEvents } from "./SecurityEvents";
import { TwoFactorSection } from "./TwoFactorSection";
import { useSave } from "../settings/useSave";
import { ErrorNotice } from "../ui/ErrorNotice";

/** The signed-in agent's name, password and preferences. Loaded lazily. */
export default function ProfilePage() {
  const { t } = useTranslation();
  const user = useAuthStore((state) => state.user);
  const setUser = useAuthStore((state) => state.setUser);
  const [name, setName] = useState(user?.name ?? "");
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const profile = useSave();
  const password = useSave();

  const saveName = async (event: FormEvent) => {
    event.preventDefault();
    await profile.run(async () => setUser(await authApi.updateMe({ name: name.trim() })));
  };

  const savePassword = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await password.run(() => authApi.changePassword(currentPassword, newPassword));
    if (ok) {
      setCurrentPassword("");
      setNewPassword("");
    }
  };

  return (
    <main className="page narrow">
      <h1>{t("profile.title")}</h1>
      <p className="muted">{user?.email}</p>
      <section aria-labelledby="profile-name-title">
        <h2 id="profile-name-title">{t("profile.details")}</h2>
        <form className="form" onSubmit={saveName}>
          <label htmlFor="profile-name">{t("auth.name")}</label>
          <input id="profile-name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          <ErrorNotice message={profile.error} />
          <button className="button primary" type="submit" disabled={profile.isBusy}>
            {t("common.save")}
          </button>
          {profile.isSaved && (
            <span role="status" className="saved">
              {t("common.saved")}
            </span>
          )}
        </form>
      </section>
      <section aria-labelledby="profile-password-title">
        <h2 id="profile-password-title">{t("profile.changePassword")}</h2>
        <form className="form" onSubmit={savePassword}>
          <label htmlFor="current-password">{t("profile.currentPassword")}</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
          />
          <label htmlFor="new-password">{t("profile.newPassword")}</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            aria-describedby="new-password-help"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
          />
          <p id="new-password-help" className="muted small">
            {t("security.passwordRules")}
          </p>
          <ErrorNotice message={password.error} />
          <button className="button primary" type="submit" disabled={password.isBusy}>
            {t("profile.updatePassword")}
          </button>
          {password.isSaved && (
            <span role="status" className="saved">
              {t("profile.passwordChanged")}
            </span>
          )}
        </form>
      </section>
      <TwoFactorSection />
      <IdentitiesSection />
      <SecurityEvents />
      <section aria-labelledby="profile-prefs-title">
        <h2 id="profile-prefs-title">{t("profile.preferences")}</h2>
        <div className="prefs-row">
          <LanguageSelect />
          <ThemeToggle />
        </div>
      </section>
    </main>
  );
}
