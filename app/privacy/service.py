"""Export and erasure of one visitor's data."""
from __future__ import annotations

from sqlalchemy import inspect, select, update

from app import audit
from app.core.db import utcnow
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import Attachment, Conversation, Message
from app.inbox.storage import storage
from app.projects.models import Project
from app.visitors import service as visitors

ERASED = "[erased]"
_VISITOR_FIELDS = ("name", "email", "identifier", "page_url", "page_title", "referrer", "user_agent", "browser", "os")


def _columns(row) -> dict:
    return {column.key: getattr(row, column.key) for column in inspect(row).mapper.column_attrs}


def _notes(visitor_id: int, project_id: int) -> list[dict]:
    """Agents' notes on the visitor, where the notes module is installed."""
    table = db.metadata.tables.get("visitor_notes")
    if table is None:
        return []
    rows = db.session.execute(select(table).where(table.c.visitor_id == visitor_id,
                                                  table.c.project_id == project_id)).mappings()
    return [dict(row) for row in rows]


def export(project: Project, visitor_id: int) -> dict:
    """Everything stored about one visitor: profile, conversations with messages, notes, attachments."""
    visitor = visitors.get_visitor(project, visitor_id)
    conversations = list(db.session.scalars(select(Conversation).where(
        Conversation.project_id == project.id, Conversation.visitor_id == visitor.id).order_by(Conversation.id)))
    exported = []
    for conversation in conversations:
        messages = db.session.scalars(select(Message).where(Message.conversation_id == conversation.id)
                                      .order_by(Message.seq))
        exported.append(_columns(conversation) | {"messages": [_columns(message) for message in messages]})
    attachments = db.session.scalars(select(Attachment).where(
        Attachment.project_id == project.id, Attachment.visitor_id == visitor.id).order_by(Attachment.id))
    audit.record("visitor.export", project_id=project.id, target=("visitor", visitor.id))
    return {
        "exported_at": utcnow(),
        "visitor": _columns(visitor),
        "conversations": exported,
        "notes": _notes(visitor.id, project.id),
        "attachments": [inbox.attachment_body(attachment) | {"created_at": attachment.created_at}
                        for attachment in attachments],
    }


def erase(project: Project, visitor_id: int) -> None:
    """Remove the visitor's identity, message content and files; conversations keep their shape. Commits."""
    visitor = visitors.get_visitor(project, visitor_id)
    audit.record("visitor.erase", project_id=project.id, target=("visitor", visitor.id))
    for field in _VISITOR_FIELDS:
        setattr(visitor, field, None)
    visitor.attributes = {}
    visitor.is_identity_verified = False
    conversation_ids = select(Conversation.id).where(Conversation.project_id == project.id,
                                                     Conversation.visitor_id == visitor.id)
    db.session.execute(update(Message).where(Message.conversation_id.in_(conversation_ids))
                       .values(content=ERASED, sender_name=None, client_msg_id=None))
    attachments = list(db.session.scalars(select(Attachment).where(
        Attachment.project_id == project.id,
        (Attachment.visitor_id == visitor.id)
        | Attachment.message_id.in_(select(Message.id).where(Message.conversation_id.in_(conversation_ids))))))
    keys = [attachment.storage_key for attachment in attachments]
    for attachment in attachments:
        db.session.delete(attachment)
    notes = db.metadata.tables.get("visitor_notes")
    if notes is not None:
        db.session.execute(notes.delete().where(notes.c.visitor_id == visitor.id, notes.c.project_id == project.id))
    db.session.commit()
    files = storage()
    for key in keys:
        files.delete(key)
