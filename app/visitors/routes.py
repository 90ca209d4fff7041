"""/api/v1/projects/{pid}/visitors: agents look at and annotate visitors."""
from __future__ import annotations

from flask import Blueprint

from app.audit import auditable
from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.pagination import page_body
from app.core.validation import json_body, query_args
from app.projects.access import project_for
from app.visitors import service
from app.visitors.schemas import VisitorListQuery, VisitorOut, VisitorUpdate

bp = Blueprint("visitors", __name__, url_prefix="/api/v1")

@bp.get("/projects/<int:project_id>/visitors")
@authenticated
@documented(summary="Visitors of a project, most recently seen first", query=VisitorListQuery, response=VisitorOut,
            paged=True)
def list_visitors(project_id: int):
    """Filter with `online=true|false` and `q` (name, email, identifier)."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_visitors(project, query_args(VisitorListQuery))
    return page_body(rows, next_cursor)


@bp.get("/projects/<int:project_id>/visitors/<int:visitor_id>")
@authenticated
@documented(summary="Read a visitor", response=VisitorOut)
def get_visitor(project_id: int, visitor_id: int):
    """Everything known about one visitor, with their online state."""
    project, _ = project_for(project_id)
    return service.visitor_summary(service.get_visitor(project, visitor_id))


@bp.patch("/projects/<int:project_id>/visitors/<int:visitor_id>")
@authenticated
@auditable("visitor.update", target="visitor")
@documented(summary="Update a visitor's name, email or attributes", body=VisitorUpdate, response=VisitorOut)
def update_visitor(project_id: int, visitor_id: int):
    """Attributes merge; a null value removes one."""
    project, _ = project_for(project_id)
    return service.visitor_summary(service.update_visitor(project, visitor_id, json_body(VisitorUpdate)))
