"""Attachments: uploads checked by signature, claimed by the message that carries them."""
from __future__ import annotations

from flask import current_app

from app.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from app.core.tenancy import scoped
from app.extensions import db
from app.inbox.models import Attachment, Message
from app.inbox.storage import storage
from app.visitors.models import Visitor


def attachment_body(attachment: Attachment) -> dict:
    """An attachment as clients see it; `url` needs the agent's bearer token or the visitor's token."""
    return {
        "id": attachment.id,
        "name": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": f"{current_app.config['PUBLIC_URL']}/api/v1/attachments/{attachment.id}",
    }


def _claim_attachments(
    project_id: int, attachment_ids: list[int], uploader_type: str, uploader_id: int
) -> list[Attachment]:
    if not attachment_ids:
        return []
    found = list(db.session.scalars(
        scoped(Attachment, project_id).where(
            Attachment.id.in_(attachment_ids),
            Attachment.uploader_type == uploader_type,
            Attachment.uploader_id == uploader_id,
            Attachment.message_id.is_(None),
        )
    ))
    if len(found) != len(set(attachment_ids)):
        raise NotFound("An attachment does not exist or is already used.", code="attachment_not_found")
    return found


ALLOWED_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
    "application/zip", "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# Magic numbers of the binary types: the declared type must match the bytes.
_SIGNATURES = {
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/gif": [b"GIF87a", b"GIF89a"],
    "image/webp": [b"RIFF"],
    "application/pdf": [b"%PDF-"],
    "application/zip": [b"PK\x03\x04"],
}


def store_attachment(
    project_id: int, uploader_type: str, uploader_id: int, visitor_id: int | None, upload
) -> Attachment:
    """Keep an uploaded file after checking its type and size. Commits."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Send the file as multipart field `file`.", code="file_required")
    content_type = (upload.mimetype or "").lower()
    if content_type not in ALLOWED_TYPES:
        raise ValidationFailed(f"Files of type {content_type or 'unknown'} are not accepted.",
                               code="attachment_type_not_allowed", details={"allowed": sorted(ALLOWED_TYPES)})
    head = upload.stream.read(16)
    signatures = _SIGNATURES.get(content_type)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationFailed("The file's content does not match its type.", code="attachment_type_mismatch")
    upload.stream.seek(0)
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    saved = storage().save(project_id, upload.stream, max_bytes)
    if saved is None:
        raise PayloadTooLarge(f"Attachments are limited to {max_bytes} bytes.", code="attachment_too_large",
                              details={"max_bytes": max_bytes})
    key, size = saved
    if size == 0:
        storage().delete(key)
        raise ValidationFailed("The file is empty.", code="attachment_empty")
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    attachment = Attachment(project_id=project_id, uploader_type=uploader_type, uploader_id=uploader_id,
                            visitor_id=visitor_id, filename=name, content_type=content_type, size=size,
                            storage_key=key)
    db.session.add(attachment)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage().delete(key)
        raise
    return attachment


def attachment_for_visitor(visitor: Visitor, attachment_id: int) -> Attachment:
    """An attachment the visitor uploaded or that belongs to one of its conversations, else 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.project_id != visitor.project_id or attachment.visitor_id != visitor.id:
        raise NotFound("This attachment does not exist.", code="attachment_not_found")
    if attachment.message_id is not None:
        message = db.session.get(Message, attachment.message_id)
        if message is None or message.is_private:
            raise NotFound("This attachment does not exist.", code="attachment_not_found")
    return attachment


def attachment_for_agent(attachment_id: int, role_in_project) -> Attachment:
    """An attachment of a project the caller belongs to (`role_in_project(project_id)` is not None), else 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or role_in_project(attachment.project_id) is None:
        raise NotFound("This attachment does not exist.", code="attachment_not_found")
    return attachment
