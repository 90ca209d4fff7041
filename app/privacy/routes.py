"""/api/v1/projects/{pid}/visitors/{vid}/export and /erase (managers)."""
from __future__ import annotations

from flask import Blueprint

from app.audit import auditable
from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.validation import dump
from app.privacy import service
from app.privacy.schemas import VisitorExportOut
from app.projects.access import project_for
from app.rbac.roles import Role

bp = Blueprint("privacy", __name__, url_prefix="/api/v1")

VISITOR = "/projects/<int:project_id>/visitors/<int:visitor_id>"


@bp.get(VISITOR + "/export")
@authenticated
@auditable("visitor.export", target="visitor")
@documented(summary="Export everything stored about a visitor (managers)", response=VisitorExportOut)
def export_visitor(project_id: int, visitor_id: int):
    """Profile, conversations with their messages, notes and the attachments list, as JSON."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(VisitorExportOut, service.export(project, visitor_id))


@bp.post(VISITOR + "/erase")
@authenticated
@auditable("visitor.erase", target="visitor")
@documented(summary="Erase a visitor's identity, messages' content and attachments (managers)", status=204)
def erase_visitor(project_id: int, visitor_id: int):
    """Conversations stay (for counts), their content does not."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.erase(project, visitor_id)
    return "", 204
