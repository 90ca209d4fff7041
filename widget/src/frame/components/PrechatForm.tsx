import { useRef, useState } from "preact/hooks";
import type { PrechatField } from "../../shared/types";
import { isEmail, prechatFields } from "../away";
import { useApp } from "../context";
import type { MessageKey } from "../i18n";

/** The pre-chat form from the widget config. Name and email update the visitor; other fields become attributes. */
export function PrechatForm({ onDone }: { onDone(): void }) {
  const { state, host, t } = useApp();
  const session = state.session!;
  const fields = prechatFields(session.config);
  const [values, setValues] = useState<Record<string, string>>({
    name: session.visitor.name || "",
    email: session.visitor.email || "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState("");
  const [isSaving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const label = (field: PrechatField) =>
    field.label || (field.name === "name" || field.name === "email" ? t(field.name as MessageKey) : field.name);

  const validate = () => {
    const found: Record<string, string> = {};
    for (const field of fields) {
      const value = (values[field.name] || "").trim();
      if (field.required && !value) found[field.name] = t("required");
      else if (value && (field.type === "email" || field.name === "email") && !isEmail(value))
        found[field.name] = t("invalid_email");
    }
    return found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    const firstInvalid = fields.find((field) => found[field.name]);
    if (firstInvalid) {
      form.current?.querySelector<HTMLElement>(`[name="${CSS.escape(firstInvalid.name)}"]`)?.focus();
      return;
    }
    const attributes: Record<string, string> = {};
    for (const field of fields) {
      const value = (values[field.name] || "").trim();
      if (value && field.name !== "name" && field.name !== "email") attributes[field.name] = value;
    }
    const name = (values.name || "").trim();
    const email = (values.email || "").trim();
    setSaving(true);
    const error = await host.identify({
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
      ...(Object.keys(attributes).length ? { attributes } : {}),
    });
    setSaving(false);
    if (error) setFailure(t("save_failed", { reason: error }));
    else onDone();
  };

  return (
    <form class="lc-main lc-prechat" ref={form} onSubmit={submit} noValidate>
      <p class="lc-greeting">{session.config.greeting || t("greeting")}</p>
      <p>{t("prechat_intro")}</p>
      {fields.map((field, index) => {
        const id = "lc-field-" + index;
        const error = errors[field.name];
        const props = {
          id,
          name: field.name,
          value: values[field.name] || "",
          required: !!field.required,
          "aria-invalid": error ? ("true" as const) : undefined,
          "aria-describedby": error ? id + "-error" : undefined,
          "data-autofocus": index === 0 ? true : undefined,
          onInput: (event: Event) =>
            setValues({ ...values, [field.name]: (event.currentTarget as HTMLInputElement).value }),
        };
        const type = field.type || (field.name === "email" ? "email" : "text");
        return (
          <div class="lc-field" key={field.name}>
            <label for={id}>
              {label(field)} {!field.required && <span class="lc-hint">{t("optional")}</span>}
            </label>
            {type === "textarea" ? (
              <textarea rows={3} {...props} />
            ) : (
              <input
                type={type}
                autoComplete={field.name === "email" ? "email" : field.name === "name" ? "name" : "off"}
                {...props}
              />
            )}
            {error && (
              <p id={id + "-error"} class="lc-error">
                {error}
              </p>
            )}
          </div>
        );
      })}
      {failure && (
        <p class="lc-error" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" class="lc-button" disabled={isSaving}>
        {t("prechat_submit")}
      </button>
    </form>
  );
}
