"""/api/v1/widget/session: public and cross-origin, the widget's first call."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from app.audit import audit_exempt
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.extensions import limiter
from app.visitors import limits
from app.visitors import service as visitors
from app.visitors.schemas import PublicVisitorOut, WidgetSessionCreate, WidgetSessionOut
from app.widget import service

bp = Blueprint("widget", __name__, url_prefix="/api/v1")

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
    project = visitors.project_for_key(data.project_key)
    visitors.check_origin(project, request.headers.get("Origin"))
    visitor, token = visitors.start_session(
        project, data, request.headers.get("User-Agent"),
        admit_new_visitor=lambda: limits.admit_new_visitor(project.public_key, request.remote_addr),
    )
    return {
        "visitor_token": token,
        "visitor": dump(PublicVisitorOut, visitor),
        "config": service.widget_config(project),
    }
