import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { Project, Visitor, VisitorNote } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { notesApi } from "./integrationsApi";
import { useNotesStore } from "./notesStore";

/** Agents' notes on a visitor: live for every agent of the project, never shown to the visitor. */
export function VisitorNotes({ project, visitorId }: { project: Project; visitorId: Visitor["id"] }) {
  const { t } = useTranslation();
  const entry = useNotesStore((state) => state.byVisitor[String(visitorId)]);
  const me = useAuthStore((state) => state.user);
  const isAuthor = (note: VisitorNote) => note.author_id != null && note.author_id === me?.id;
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    void useNotesStore.getState().load(project.id, visitorId);
  }, [project.id, visitorId]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const content = draft.trim();
    if (!content) return;
    void run(async () => {
      useNotesStore.getState().receive(await notesApi.create(project.id, visitorId, content));
      setDraft("");
    });
  };

  return (
    <section className="visitor-notes" aria-labelledby="visitor-notes-title">
      <h3 id="visitor-notes-title">{t("integrations.notes.title")}</h3>
      <form className="form" onSubmit={add}>
        <fieldset disabled={isBusy}>
          <label htmlFor="visitor-note-new" className="visually-hidden">
            {t("integrations.notes.add")}
          </label>
          <textarea
            id="visitor-note-new"
            rows={2}
            maxLength={5000}
            value={draft}
            placeholder={t("integrations.notes.placeholder")}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="button">
            {t("integrations.notes.add")}
          </button>
        </fieldset>
      </form>
      <ErrorNotice message={error ?? entry?.error} />
      {entry && entry.notes.length === 0 && <p className="muted small">{t("integrations.notes.none")}</p>}
      <ul className="notes-list">
        {(entry?.notes ?? []).map((note) => (
          <NoteItem
            key={String(note.id)}
            note={note}
            canEdit={isAuthor(note)}
            canDelete={isAuthor(note) || project.role === "MANAGER"}
            onSave={(content) =>
              run(async () =>
                useNotesStore.getState().receive(await notesApi.update(project.id, visitorId, note.id, content)),
              )
            }
            onDelete={() => {
              if (!window.confirm(t("integrations.notes.deleteConfirm"))) return;
              void run(async () => {
                await notesApi.remove(project.id, visitorId, note.id);
                useNotesStore.getState().forget(note);
              });
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function NoteItem(props: {
  note: VisitorNote;
  canEdit: boolean;
  canDelete: boolean;
  onSave: (content: string) => Promise<void>;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const { note } = props;
  const [editing, setEditing] = useState<string | null>(null);
  if (editing !== null) {
    return (
      <li className="note">
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void props.onSave(editing.trim()).then(() => setEditing(null));
          }}
        >
          <label htmlFor={`note-edit-${note.id}`} className="visually-hidden">
            {t("integrations.notes.edit")}
          </label>
          <textarea
            id={`note-edit-${note.id}`}
            rows={2}
            maxLength={5000}
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
          />
          <span className="inline-field">
            <button type="submit" className="button primary">
              {t("common.save")}
            </button>
            <button type="button" className="button ghost" onClick={() => setEditing(null)}>
              {t("common.cancel")}
            </button>
          </span>
        </form>
      </li>
    );
  }
  return (
    <li className="note" data-testid="visitor-note">
      <p className="note-content">{note.content}</p>
      <span className="muted small">{formatDateTime(note.updated_at)}</span>{" "}
      {props.canEdit && (
        <button type="button" className="link-button" onClick={() => setEditing(note.content)}>
          {t("integrations.notes.edit")}
        </button>
      )}{" "}
      {props.canDelete && (
        <button type="button" className="link-button" onClick={props.onDelete}>
          {t("integrations.notes.delete")}
        </button>
      )}
    </li>
  );
}
