import { useState } from "preact/hooks";
import { isEmail } from "../away";
import { useApp } from "../context";

/** The configured away message and, until we know it, a field for the visitor's email. */
export function AwayNotice() {
  const { state, t } = useApp();
  const session = state.session!;
  const email = session.visitor.email;
  return (
    <section class="lc-away" aria-labelledby="lc-away-text">
      <p id="lc-away-text">{session.config.away_message || t("away_message")}</p>
      {email ? <p class="lc-saved">{t("email_saved", { email })}</p> : <EmailForm />}
    </section>
  );
}

function EmailForm() {
  const { host, t } = useApp();
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  const [isSaving, setSaving] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!isEmail(value)) return setError(t("invalid_email"));
    setSaving(true);
    const failure = await host.identify({ email: value.trim() });
    setSaving(false);
    // On success the new session carries the email and this form goes away.
    setError(failure ? t("save_failed", { reason: failure }) : "");
  };

  return (
    <form class="lc-inline-form" onSubmit={submit} noValidate>
      <label for="lc-away-email">{t("email_prompt")}</label>
      <div class="lc-row">
        <input
          id="lc-away-email"
          type="email"
          autoComplete="email"
          value={value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "lc-away-error" : undefined}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <button type="submit" class="lc-button" disabled={isSaving}>
          {t("save")}
        </button>
      </div>
      {error && (
        <p id="lc-away-error" class="lc-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
