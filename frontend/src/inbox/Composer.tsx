import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Id, Project } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { CANNED_PICKER_ID, CannedPicker } from "../integrations/CannedPicker";
import { useCannedPicker } from "../integrations/useCannedPicker";
import { agentSocket } from "../realtime/agentSocket";
import { COMPOSER_ID } from "./useInboxShortcuts";
import { useInboxStore } from "./useInboxStore";
import { useVisitorStore } from "./visitorStore";

const TYPING_REFRESH_MS = 3000;
/** The server takes at most this many attachment_ids per message. */
const MAX_FILES = 10;
/** The file types the server accepts for attachments (others are refused with attachment_type_not_allowed). */
const ATTACHMENT_TYPES =
  "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip,.doc,.docx,.xls,.xlsx";
const TYPING_IDLE_MS = 4000;
/** Unsent drafts survive switching conversations. */
const drafts = new Map<Id, string>();

type Mode = "reply" | "note";

/** Reply or private note. Enter sends, Shift+Enter starts a new line. */
export function Composer({ conversationId, project }: { conversationId: Id; project?: Project }) {
  const { t } = useTranslation();
  const sendMessage = useInboxStore((state) => state.sendMessage);
  const [mode, setMode] = useState<Mode>("reply");
  const [text, setText] = useState(() => drafts.get(conversationId) ?? "");
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const stopTyping = () => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = null;
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      agentSocket.emitTyping(conversationId, false);
    }
  };

  // Leaving the conversation (or the page) stops the typing indicator the visitor sees.
  const leave = useEffectEvent(stopTyping);
  useEffect(() => () => leave(), [conversationId]);

  const onChange = (value: string) => {
    setText(value);
    drafts.set(conversationId, value);
    // Private notes are for agents only: the visitor must not see typing for them.
    if (mode !== "reply") return;
    if (!value) return stopTyping();
    const now = Date.now();
    if (now - typingSentAt.current > TYPING_REFRESH_MS) {
      typingSentAt.current = now;
      agentSocket.emitTyping(conversationId, true);
    }
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const picker = useCannedPicker(
    project?.id,
    text,
    (value, caret) => {
      onChange(value);
      requestAnimationFrame(() => textarea.current?.setSelectionRange(caret, caret));
    },
    () => {
      const conversation = useInboxStore.getState().known[conversationId];
      const visitor = conversation
        ? useVisitorStore.getState().byId[String(conversation.visitor_id)]?.visitor
        : undefined;
      return {
        visitorName: visitor?.name ?? conversation?.visitor?.name,
        visitorEmail: visitor?.email ?? conversation?.visitor?.email,
        agentName: useAuthStore.getState().user?.name,
        projectName: project?.name,
      };
    },
  );

  const send = () => {
    const content = text.trim();
    if (!content && files.length === 0) return;
    stopTyping();
    void sendMessage(conversationId, content, { isPrivate: mode === "note", files });
    setText("");
    setFiles([]);
    setFileError(null);
    drafts.delete(conversationId);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker.handleKey(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const label = mode === "note" ? t("composer.privateNote") : t("composer.reply");
  return (
    <form className={`composer ${mode === "note" ? "note-mode" : ""}`} onSubmit={onSubmit}>
      <div className="composer-modes" role="group" aria-label={t("composer.mode")}>
        <button type="button" aria-pressed={mode === "reply"} onClick={() => setMode("reply")}>
          {t("composer.reply")}
        </button>
        <button
          type="button"
          aria-pressed={mode === "note"}
          onClick={() => {
            stopTyping();
            setMode("note");
          }}
        >
          {t("composer.privateNote")}
        </button>
        {mode === "note" && <span className="note-hint">{t("composer.noteHint")}</span>}
      </div>
      <label htmlFor={COMPOSER_ID} className="visually-hidden">
        {label}
      </label>
      <CannedPicker picker={picker} />
      <textarea
        id={COMPOSER_ID}
        ref={textarea}
        rows={3}
        value={text}
        placeholder={mode === "note" ? t("composer.notePlaceholder") : t("composer.replyPlaceholder")}
        aria-controls={picker.isOpen ? CANNED_PICKER_ID : undefined}
        aria-activedescendant={picker.isOpen ? `canned-option-${picker.matches[picker.activeIndex]?.id}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          picker.update(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          stopTyping();
          picker.close();
        }}
      />
      {files.length > 0 && (
        <ul className="chosen-files" aria-label={t("composer.attachments")}>
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`} className="chip">
              {file.name}
              <button
                type="button"
                className="link-button"
                aria-label={t("composer.removeFile", { name: file.name })}
                onClick={() => setFiles(files.filter((_, other) => other !== index))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {fileError && (
        <p className="muted small" role="alert">
          {fileError}
        </p>
      )}
      <div className="composer-actions">
        <input
          ref={fileInput}
          id="composer-files"
          type="file"
          multiple
          accept={ATTACHMENT_TYPES}
          className="visually-hidden"
          onChange={(e) => {
            const chosen = [...files, ...Array.from(e.target.files ?? [])];
            setFileError(chosen.length > MAX_FILES ? t("composer.tooManyFiles", { max: MAX_FILES }) : null);
            setFiles(chosen.slice(0, MAX_FILES));
            e.target.value = "";
          }}
        />
        <label htmlFor="composer-files" className="button ghost">
          {t("composer.attach")}
        </label>
        <button type="submit" className="button primary">
          {mode === "note" ? t("composer.addNote") : t("composer.send")}
        </button>
      </div>
    </form>
  );
}
