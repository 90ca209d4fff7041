"""Visitor notes: who may write what, and the live event agents hear."""
from __future__ import annotations

from app.auth.principal import Principal
from app.core import outbox
from app.core.errors import Forbidden, NotFound
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.core.validation import dump
from app.extensions import db
from app.notes.models import VisitorNote
from app.notes.schemas import NoteCreate, NoteOut, NoteUpdate
from app.projects.models import Project
from app.rbac.roles import Role
from app.visitors import service as visitors


def _visitor(project: Project, visitor_id: int):
    return visitors.get_visitor(project, visitor_id)


def _publish(note: VisitorNote, event_type: str) -> None:
    # Agents only: the realtime fan-out sends visitor_note.* to the project room, never to a visitor.
    outbox.publish(note.project_id, event_type, {"note": dump(NoteOut, note)})


def list_notes(project: Project, visitor_id: int, page: PageQuery) -> tuple[list[VisitorNote], str | None]:
    """A visitor's notes, newest first."""
    visitor = _visitor(project, visitor_id)
    stmt = scoped(VisitorNote, project.id).where(VisitorNote.visitor_id == visitor.id)
    return paginate(stmt, (VisitorNote.id,), page)


def _note(project: Project, visitor_id: int, note_id: int) -> VisitorNote:
    note = get_or_404(VisitorNote, note_id, project.id)
    if note.visitor_id != _visitor(project, visitor_id).id:
        raise NotFound("This note does not exist.")
    return note


def _author(caller: Principal):
    if caller.user is None:
        raise Forbidden("Notes are written by signed-in agents.", code="user_required")
    return caller.user


def create_note(project: Project, caller: Principal, visitor_id: int, data: NoteCreate) -> VisitorNote:
    """Add a note and tell the project's agents. Commits."""
    author = _author(caller)
    visitor = _visitor(project, visitor_id)
    note = VisitorNote(project_id=project.id, visitor_id=visitor.id, author_id=author.id, content=data.content)
    db.session.add(note)
    db.session.flush()
    _publish(note, "visitor_note.created")
    db.session.commit()
    return note


def update_note(project: Project, caller: Principal, visitor_id: int, note_id: int, data: NoteUpdate) -> VisitorNote:
    """Only the author edits a note. Commits."""
    author = _author(caller)
    note = _note(project, visitor_id, note_id)
    if note.author_id != author.id:
        raise Forbidden("Only the author can edit a note.", code="not_author")
    note.content = data.content
    db.session.flush()
    _publish(note, "visitor_note.updated")
    db.session.commit()
    return note


def delete_note(project: Project, role: Role, caller: Principal, visitor_id: int, note_id: int) -> None:
    """The author or a manager deletes a note. Commits."""
    note = _note(project, visitor_id, note_id)
    is_author = caller.user is not None and note.author_id == caller.user.id
    if not is_author and not role.includes(Role.MANAGER):
        raise Forbidden("Only the author or a manager can delete a note.", code="not_author")
    body = dump(NoteOut, note)
    db.session.delete(note)
    outbox.publish(project.id, "visitor_note.deleted", {"note": body})
    db.session.commit()
