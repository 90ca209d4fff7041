"""/api/v1/projects/{pid}/visitors/{vid}/notes."""
from __future__ import annotations

from flask import Blueprint

from app.audit.service import auditable
from app.auth.principal import authenticated, principal
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, json_body, query_args
from app.notes import service
from app.notes.schemas import NoteCreate, NoteOut, NoteUpdate
from app.projects.access import project_for

bp = Blueprint("notes", __name__, url_prefix="/api/v1/projects/<int:project_id>/visitors/<int:visitor_id>/notes")


@bp.get("")
@authenticated
@documented(summary="Agents' notes on a visitor, newest first", query=PageQuery, response=NoteOut, paged=True)
def list_notes(project_id: int, visitor_id: int):
    """Never visible to the visitor."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_notes(project, visitor_id, query_args(PageQuery))
    return page_body([dump(NoteOut, row) for row in rows], next_cursor)


@bp.post("")
@authenticated
@auditable("visitor_note.create", target="visitor_note")
@documented(summary="Add a note on a visitor", body=NoteCreate, response=NoteOut, status=201)
def create_note(project_id: int, visitor_id: int):
    """The project's agents hear `visitor_note:created`."""
    project, _ = project_for(project_id)
    return dump(NoteOut, service.create_note(project, principal(), visitor_id, json_body(NoteCreate))), 201


@bp.patch("/<int:note_id>")
@authenticated
@auditable("visitor_note.update", target=("visitor_note", "note_id"))
@documented(summary="Edit your note", body=NoteUpdate, response=NoteOut)
def update_note(project_id: int, visitor_id: int, note_id: int):
    """Authors edit their own notes only."""
    project, _ = project_for(project_id)
    return dump(NoteOut, service.update_note(project, principal(), visitor_id, note_id, json_body(NoteUpdate)))


@bp.delete("/<int:note_id>")
@authenticated
@auditable("visitor_note.delete", target=("visitor_note", "note_id"))
@documented(summary="Delete a note (its author or a manager)", status=204)
def delete_note(project_id: int, visitor_id: int, note_id: int):
    """Managers delete any note."""
    project, role = project_for(project_id)
    service.delete_note(project, role, principal(), visitor_id, note_id)
    return "", 204
