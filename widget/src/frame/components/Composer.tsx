import { useEffect, useRef, useState } from "preact/hooks";
import type { Attachment } from "../../shared/types";
import { UploadError, uploadAttachment } from "../api";
import { useApp } from "../context";
import { formatBytes } from "../format";
import type { Translate } from "../i18n";
import { AttachIcon, CloseIcon, SendIcon } from "./Icons";

const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** The server takes at most this many attachment_ids per message. */
const MAX_FILES = 10;

interface PickedFile {
  file: File;
  /** Object URL for an image preview, revoked when the file is removed or sent. */
  preview?: string;
}

/** The file types the server accepts for attachments. */
const ACCEPT =
  "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip,.doc,.docx,.xls,.xlsx";

/** Why an upload failed, in words the visitor can act on. */
function uploadFailure(t: Translate, name: string, error: unknown): string {
  let reason = t("error");
  if (error instanceof UploadError) {
    // No such endpoint (yet) on this server: say that uploads are unavailable.
    if ([404, 405, 501].includes(error.status)) reason = t("upload_unavailable");
    else if (error.status === 0) reason = t("no_connection");
    else reason = error.error.message || reason;
  }
  return t("upload_failed", { name, reason });
}

/** The message box: Enter sends, Shift+Enter adds a line; files are uploaded before the message goes. */
export function Composer() {
  const { state, client, t } = useApp();
  const [text, setText] = useState("");
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [error, setError] = useState("");
  const [isUploading, setUploading] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);

  // Grow with the text up to the CSS max-height.
  useEffect(() => {
    const box = textarea.current;
    if (!box) return;
    box.style.height = "auto";
    // Nothing is measured while the host keeps the window hidden: stay at one row then.
    // border-box sizing: the height includes the borders that scrollHeight leaves out.
    if (text && box.scrollHeight) box.style.height = box.scrollHeight + box.offsetHeight - box.clientHeight + "px";
  }, [text]);

  // Free image previews when the composer goes away.
  const filesRef = useRef(files);
  filesRef.current = files;
  useEffect(() => () => filesRef.current.forEach((f) => f.preview && URL.revokeObjectURL(f.preview)), []);

  const pick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const picked: PickedFile[] = [];
    for (const file of Array.from(input.files || [])) {
      if (file.size > MAX_FILE_BYTES) {
        setError(t("file_too_large", { name: file.name, max: formatBytes(MAX_FILE_BYTES) }));
        continue;
      }
      picked.push({ file, preview: file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined });
    }
    if (picked.length) setError("");
    const room = MAX_FILES - files.length;
    if (picked.length > room) {
      picked.splice(room).forEach((f) => f.preview && URL.revokeObjectURL(f.preview));
      setError(t("too_many_files", { max: MAX_FILES }));
    }
    setFiles((current) => [...current, ...picked]);
    input.value = ""; // picking the same file again must fire change again
  };

  const remove = (index: number) => {
    const removed = files[index];
    if (removed?.preview) URL.revokeObjectURL(removed.preview);
    setFiles(files.filter((_, i) => i !== index));
    textarea.current?.focus();
  };

  const submit = async () => {
    const content = text.trim();
    if ((!content && !files.length) || isUploading) return;
    const attachments: Attachment[] = [];
    if (files.length) {
      setUploading(true);
      for (const { file } of files) {
        try {
          attachments.push(await uploadAttachment(file, state.session!.visitor_token));
        } catch (failure) {
          // Keep the text and the files so the visitor can try again or remove the file.
          setUploading(false);
          setError(uploadFailure(t, file.name, failure));
          return;
        }
      }
      setUploading(false);
      files.forEach((f) => f.preview && URL.revokeObjectURL(f.preview));
      setFiles([]);
    }
    setError("");
    setText("");
    client.send(content, attachments);
    textarea.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // Not while an input method is composing a character (Japanese, Chinese …).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form
      class="lc-composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {files.length > 0 && (
        <ul class="lc-files" aria-label={t("attachment")}>
          {files.map(({ file, preview }, index) => (
            <li key={index}>
              {preview ? <img src={preview} alt="" class="lc-thumb" /> : null}
              <span class="lc-file-name">
                {file.name} ({formatBytes(file.size)})
              </span>
              <button
                type="button"
                class="lc-icon-button"
                aria-label={t("remove_file", { name: file.name })}
                onClick={() => remove(index)}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p class="lc-error" role="alert">
          {error}
        </p>
      )}
      {isUploading && (
        <p class="lc-hint" role="status">
          {t("uploading")}
        </p>
      )}
      <div class="lc-row">
        <label class="lc-icon-button lc-attach">
          <input type="file" class="lc-sr" multiple accept={ACCEPT} onChange={pick} />
          <AttachIcon />
          <span class="lc-sr">{t("attach")}</span>
        </label>
        <textarea
          ref={textarea}
          rows={1}
          aria-label={t("message_label")}
          placeholder={t("placeholder")}
          value={text}
          data-autofocus
          onInput={(event) => {
            setText(event.currentTarget.value);
            client.typing(event.currentTarget.value.length > 0);
          }}
          onBlur={() => client.typing(false)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="lc-send" aria-label={t("send")} disabled={isUploading}>
          <SendIcon />
        </button>
      </div>
    </form>
  );
}
