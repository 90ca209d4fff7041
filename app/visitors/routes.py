"""/api/v1/widget/session (public, cross-origin) and /api/v1/projects/{pid}/visitors (agents)."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.pagination import page_body
from app.projects.access import project_for
from app.core.validation import dump, json_body, query_args
from app.extensions import limiter
from app.realtime import limits
from app.visitors import service
from app.visitors.schemas import (
    PublicVisitorOut,
    VisitorListQuery,
    VisitorOut,
    VisitorUpdate,
    WidgetSessionCreate,
    WidgetSessionOut,
)
from app.audit import audit_exempt, auditable

bp = Blueprint("visitors", __name__, url_prefix="/api/v1")

_CORS_PATHS = ("/api/v1/widget/session",)


def _session_limit() -> str:
    return current_app.config["WIDGET_SESSION_RATE"]


@bp.after_app_request
def _cors(response):
    """CORS for the widget's session call, whatever the page's origin.

    The origin check is the server's own (check_origin answers 403
    origin_not_allowed): CORS is not the guard here, and answering every
    origin lets a refused page read that error and tell its developer why.
    No cookies ride on this call, so no credentials are exposed.
    """
    origin = request.headers.get("Origin")
    if not origin or request.path not in _CORS_PATHS:
        return response
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers.add("Vary", "Origin")
    return response


@bp.post("/widget/session")
@limiter.limit(_session_limit)
@audit_exempt("anonymous widget session start, rate limited per IP")
@documented(summary="Start or resume a widget visitor (public key + page Origin)", body=WidgetSessionCreate,
            response=WidgetSessionOut, auth="none")
def widget_session():
    """The widget's first call: checks the page origin, returns a visitor token and the widget config."""
    data = json_body(WidgetSessionCreate)
    project = service.project_for_key(data.project_key)
    service.check_origin(project, request.headers.get("Origin"))
    visitor, token = service.start_session(
        project, data, request.headers.get("User-Agent"),
        admit_new_visitor=lambda: limits.admit_new_visitor(project.public_key, request.remote_addr),
    )
    return {
        "visitor_token": token,
        "visitor": dump(PublicVisitorOut, visitor),
        "config": service.widget_config(project),
    }


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
