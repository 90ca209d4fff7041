import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Id, Member, Project, Webhook } from "../api/types";
import { webhooksApi } from "../integrations/integrationsApi";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { actionsApi } from "./actionsApi";
import { RuleEditor } from "./RuleEditor";
import { emptyDraft } from "./ruleForm";
import type { Rule, RuleDraft, RuleRun, RuleTemplate } from "./ruleForm";
import { settingsApi } from "./settingsApi";
import { useSave } from "./useSave";

/** Automation rules: the list (enabled toggle, runs, last error), the editor, the template gallery and run history. */
export function AutomationSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [templates, setTemplates] = useState<RuleTemplate[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [webhooks, setWebhooks] = useState<Webhook[]>([]);
  const [editing, setEditing] = useState<{ id: Id | null; draft: RuleDraft } | null>(null);
  const [runsOf, setRunsOf] = useState<Rule | null>(null);
  const list = useSave();
  const editor = useSave();

  const reload = async () => setRules((await actionsApi.rules(project.id)).items);

  useEffect(() => {
    void list.run(async () => {
      const [loaded, gallery] = await Promise.all([actionsApi.rules(project.id), actionsApi.templates(project.id)]);
      setRules(loaded.items);
      setTemplates(gallery.items);
      if (isManager) {
        const [team, endpoints] = await Promise.all([settingsApi.members(project.id), webhooksApi.list(project.id)]);
        setMembers(team.items);
        setWebhooks(endpoints.items);
      }
    });
  }, [project.id]);

  const save = async (draft: RuleDraft) => {
    const ok = await editor.run(async () => {
      if (editing?.id != null) await actionsApi.update(project.id, editing.id, draft);
      else await actionsApi.create(project.id, draft);
      await reload();
    });
    if (ok) setEditing(null);
  };

  const toggle = (rule: Rule) =>
    void list.run(async () => {
      await actionsApi.update(project.id, rule.id, { enabled: !rule.enabled });
      await reload();
    });

  const remove = (rule: Rule) => {
    if (!window.confirm(t("automation.deleteConfirm", { name: rule.name }))) return;
    void list.run(async () => {
      await actionsApi.remove(project.id, rule.id);
      await reload();
    });
  };

  const addTemplate = (template: RuleTemplate) =>
    void list.run(async () => {
      await actionsApi.addTemplate(project.id, template.key);
      await reload();
    });

  return (
    <section aria-labelledby="automation-title">
      <h2 id="automation-title">{t("settings.tab.automation")}</h2>
      <p className="muted">{t("automation.help")}</p>
      <ErrorNotice message={list.error} />

      {editing ? (
        <RuleEditor
          initial={editing.draft}
          members={members}
          webhooks={webhooks}
          isBusy={editor.isBusy}
          error={editor.error}
          onSave={(draft) => void save(draft)}
          onCancel={() => {
            editor.setError(null);
            setEditing(null);
          }}
        />
      ) : (
        isManager && (
          <button
            type="button"
            className="button primary"
            onClick={() => setEditing({ id: null, draft: emptyDraft() })}
          >
            {t("automation.new")}
          </button>
        )
      )}

      {rules === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : rules.length === 0 ? (
        <p className="muted">{t("automation.none")}</p>
      ) : (
        <table className="table" aria-label={t("automation.rules")}>
          <thead>
            <tr>
              <th scope="col">{t("automation.enabled")}</th>
              <th scope="col">{t("automation.name")}</th>
              <th scope="col">{t("automation.when")}</th>
              <th scope="col">{t("automation.runCount")}</th>
              <th scope="col">{t("automation.lastRun")}</th>
              <th scope="col">{t("automation.lastError")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={String(rule.id)}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t("automation.enableNamed", { name: rule.name })}
                    checked={rule.enabled}
                    disabled={!isManager || list.isBusy}
                    onChange={() => toggle(rule)}
                  />
                </td>
                <td>{rule.name}</td>
                <td>
                  {t(`automation.trigger.${rule.trigger.type}`)}
                  {rule.trigger.minutes ? ` (${t("automation.minutesShort", { count: rule.trigger.minutes })})` : ""}
                </td>
                <td>{rule.run_count}</td>
                <td>{formatDateTime(rule.last_run_at) || t("automation.never")}</td>
                <td className="small">
                  {rule.last_error ? <span className="error-text">{rule.last_error}</span> : "—"}
                </td>
                <td>
                  <button
                    type="button"
                    className="button ghost"
                    onClick={() => setRunsOf(runsOf?.id === rule.id ? null : rule)}
                  >
                    {t("automation.history")}
                  </button>
                  {isManager && (
                    <>
                      <button
                        type="button"
                        className="button ghost"
                        aria-label={t("automation.editNamed", { name: rule.name })}
                        onClick={() =>
                          setEditing({
                            id: rule.id,
                            draft: {
                              name: rule.name,
                              enabled: rule.enabled,
                              trigger: rule.trigger,
                              conditions: rule.conditions,
                              match: rule.match,
                              effects: rule.effects,
                            },
                          })
                        }
                      >
                        {t("automation.edit")}
                      </button>
                      <button
                        type="button"
                        className="button ghost"
                        aria-label={t("automation.deleteNamed", { name: rule.name })}
                        onClick={() => remove(rule)}
                      >
                        {t("automation.delete")}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {runsOf && <RunHistory project={project} rule={runsOf} />}

      {isManager && templates.length > 0 && (
        <section aria-labelledby="automation-gallery">
          <h3 id="automation-gallery">{t("automation.gallery")}</h3>
          <ul className="template-gallery">
            {templates.map((template) => (
              <li key={template.key}>
                <strong>{template.name}</strong>
                <p className="muted small">{template.description}</p>
                <button
                  type="button"
                  className="button secondary"
                  aria-label={t("automation.addTemplate", { name: template.name })}
                  disabled={list.isBusy}
                  onClick={() => addTemplate(template)}
                >
                  {t("automation.add")}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function RunHistory({ project, rule }: { project: Project; rule: Rule }) {
  const { t } = useTranslation();
  const [runs, setRuns] = useState<RuleRun[] | null>(null);
  const load = useSave();

  useEffect(() => {
    void load.run(async () => setRuns((await actionsApi.runs(project.id, rule.id)).items));
  }, [project.id, rule.id]);

  return (
    <section aria-labelledby="automation-runs">
      <h3 id="automation-runs">{t("automation.runsOf", { name: rule.name })}</h3>
      <ErrorNotice message={load.error} />
      {runs === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : runs.length === 0 ? (
        <p className="muted">{t("automation.noRuns")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("automation.time")}</th>
              <th scope="col">{t("automation.event")}</th>
              <th scope="col">{t("automation.matched")}</th>
              <th scope="col">{t("automation.effectsDone")}</th>
              <th scope="col">{t("automation.error")}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={String(run.id)}>
                <td>{formatDateTime(run.created_at)}</td>
                <td>
                  {t(`automation.trigger.${run.event_type}`)}
                  {run.conversation_id != null ? ` · #${run.conversation_id}` : ""}
                </td>
                <td>{run.matched ? t("automation.yes") : t("automation.no")}</td>
                <td>{run.effects_done.map((type) => t(`automation.effect.${type}`)).join(", ") || "—"}</td>
                <td className="small">{run.error ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
