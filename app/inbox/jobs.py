"""The inbox's jobs: periodic wake-ups of snoozed conversations, and attachment file housekeeping
(files go with their project, their visitor, or when never sent)."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select

from app.core import jobs
from app.core.db import on_commit, utcnow
from app.extensions import db
from app.inbox import service
from app.inbox.models import Attachment
from app.inbox.storage import storage

WAKE_SNOOZED = "app.inbox.jobs.wake_snoozed"
SWEEP_UPLOADS = "app.inbox.jobs.sweep_unattached_uploads"
SWEEP_BATCH = 500


def wake_snoozed() -> int:
    """Reopen every conversation whose snooze has ended (idempotent); returns how many."""
    return service.wake_snoozed()


def init_app(app: Flask) -> None:
    """Schedule the snooze wake-ups and the upload sweep on the core's periodic seam."""
    jobs.every(app, app.config["SNOOZE_WAKE_SECONDS"], WAKE_SNOOZED)
    jobs.every(app, app.config["UPLOAD_SWEEP_SECONDS"], SWEEP_UPLOADS)


def remove_project_files(project_id: int) -> None:
    """Job queued when a project is deleted: remove its attachment files (idempotent)."""
    storage().delete_project(project_id)


def remove_visitor_files(project_id: int, visitor_id: int) -> int:
    """Delete the attachment rows of a visitor (their uploads and the files of their conversations);
    the files go once the caller's transaction commits. Does not commit (an erase calls it inside its own)."""
    keys = list(db.session.scalars(select(Attachment.storage_key).where(
        Attachment.project_id == project_id, Attachment.visitor_id == visitor_id)))
    if keys:
        db.session.execute(delete(Attachment).where(Attachment.project_id == project_id,
                                                    Attachment.visitor_id == visitor_id))
        on_commit(lambda: _delete_files(keys))
    return len(keys)


def sweep_unattached_uploads() -> int:
    """Remove uploads never attached to a message within ATTACHMENT_UNATTACHED_HOURS (a bounded batch). Commits.

    Run by the relay's periodic sweep (the worker in production, the web process when embedded).
    """
    cutoff = utcnow() - timedelta(hours=current_app.config["ATTACHMENT_UNATTACHED_HOURS"])
    rows = db.session.execute(
        select(Attachment.id, Attachment.storage_key)
        .where(Attachment.message_id.is_(None), Attachment.created_at < cutoff)
        .order_by(Attachment.id).limit(SWEEP_BATCH)
    ).all()
    if rows:
        db.session.execute(delete(Attachment).where(Attachment.id.in_([row.id for row in rows]),
                                                    Attachment.message_id.is_(None)))
        on_commit(lambda: _delete_files([row.storage_key for row in rows]))
    db.session.commit()
    return len(rows)


def _delete_files(keys: list[str]) -> None:
    files = storage()
    for key in keys:
        files.delete(key)
