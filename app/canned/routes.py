"""/api/v1/projects/{pid}/canned-responses."""
from __future__ import annotations

from flask import Blueprint

from app.audit.service import audit_exempt, auditable
from app.auth.principal import authenticated, principal
from app.canned import service
from app.canned.schemas import CannedCreate, CannedListQuery, CannedOut, CannedRender, CannedRenderOut, CannedUpdate
from app.core.openapi import documented
from app.core.pagination import page_body
from app.core.validation import dump, json_body, query_args
from app.projects.access import project_for

bp = Blueprint("canned", __name__, url_prefix="/api/v1/projects/<int:project_id>/canned-responses")


@bp.get("")
@authenticated
@documented(summary="Canned responses: project-wide and your own personal ones (`q` searches shortcut and title)",
            query=CannedListQuery, response=CannedOut, paged=True)
def list_responses(project_id: int):
    """Sorted by shortcut."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_responses(project, principal(), query_args(CannedListQuery))
    return page_body([dump(CannedOut, row) for row in rows], next_cursor)


@bp.post("")
@authenticated
@auditable("canned_response.create", target="canned_response")
@documented(summary="Create a canned response (project scope: managers)", body=CannedCreate, response=CannedOut,
            status=201)
def create_response(project_id: int):
    """An unknown `{{variable}}` is a 422."""
    project, role = project_for(project_id)
    return dump(CannedOut, service.create_response(project, role, principal(), json_body(CannedCreate))), 201


@bp.get("/<int:response_id>")
@authenticated
@documented(summary="Read a canned response", response=CannedOut)
def get_response(project_id: int, response_id: int):
    """Someone else's personal response is a 404."""
    project, _ = project_for(project_id)
    return dump(CannedOut, service.get_response(project, principal(), response_id))


@bp.patch("/<int:response_id>")
@authenticated
@auditable("canned_response.update", target=("canned_response", "response_id"))
@documented(summary="Edit a canned response", body=CannedUpdate, response=CannedOut)
def update_response(project_id: int, response_id: int):
    """Project scope: managers; personal: the owner."""
    project, role = project_for(project_id)
    return dump(CannedOut, service.update_response(project, role, principal(), response_id, json_body(CannedUpdate)))


@bp.delete("/<int:response_id>")
@authenticated
@auditable("canned_response.delete", target=("canned_response", "response_id"))
@documented(summary="Delete a canned response", status=204)
def delete_response(project_id: int, response_id: int):
    """Project scope: managers; personal: the owner."""
    project, role = project_for(project_id)
    service.delete_response(project, role, principal(), response_id)
    return "", 204


@bp.post("/<int:response_id>/render")
@authenticated
@audit_exempt("read-only: fills a response's variables, changes nothing")
@documented(summary="Fill a canned response's variables for a conversation or visitor", body=CannedRender,
            response=CannedRenderOut)
def render_response(project_id: int, response_id: int):
    """What the composer inserts."""
    project, _ = project_for(project_id)
    return {"content": service.render(project, principal(), response_id, json_body(CannedRender))}
