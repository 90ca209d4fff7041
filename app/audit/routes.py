"""/api/v1/projects/{pid}/audit-logs (managers) and /api/v1/me/security-events (each user)."""
from __future__ import annotations

from flask import Blueprint

from app.audit import service
from app.audit.schemas import AuditEntryOut, AuditQuery
from app.auth.principal import authenticated, current_user, user_required
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, query_args
from app.projects.access import project_for
from app.rbac.roles import Role

bp = Blueprint("audit", __name__, url_prefix="/api/v1")


@bp.get("/projects/<int:project_id>/audit-logs")
@authenticated
@documented(summary="The project's audit trail (managers), newest first", query=AuditQuery,
            response=AuditEntryOut, paged=True)
def list_audit_logs(project_id: int):
    """Filter by actor, action, target and date range."""
    project, _ = project_for(project_id, Role.MANAGER)
    rows, next_cursor = service.project_entries(project.id, query_args(AuditQuery))
    return page_body([dump(AuditEntryOut, service.entry_body(row)) for row in rows], next_cursor)


@bp.get("/me/security-events")
@user_required
@documented(summary="My account's security events (sign-ins, failed sign-ins, 2FA and password changes)",
            query=PageQuery, response=AuditEntryOut, paged=True)
def security_events():
    """Newest first."""
    rows, next_cursor = service.account_entries(current_user().id, query_args(PageQuery))
    return page_body([dump(AuditEntryOut, service.entry_body(row)) for row in rows], next_cursor)
