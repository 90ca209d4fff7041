"""/api/v1/projects/{pid}/mail-settings."""
from __future__ import annotations

from flask import Blueprint

from app.audit.service import auditable
from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.projects.access import project_for
from app.rbac.roles import Role
from app.transcripts import service
from app.transcripts.schemas import MailSettingsOut, MailSettingsUpdate

bp = Blueprint("mail", __name__, url_prefix="/api/v1/projects/<int:project_id>/mail-settings")


@bp.get("")
@authenticated
@documented(summary="What the project mails: transcripts on resolve, away digests", response=MailSettingsOut)
def get_settings(project_id: int):
    """Defaults: no transcripts, away digests on."""
    project, _ = project_for(project_id)
    return dump(MailSettingsOut, service.settings_for(project.id))


@bp.patch("")
@authenticated
@auditable("mail_settings.update", target=("project", "project_id"))
@documented(summary="Change the mail settings (managers)", body=MailSettingsUpdate, response=MailSettingsOut)
def update_settings(project_id: int):
    """Only the given fields change."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(MailSettingsOut, service.update_settings(project, json_body(MailSettingsUpdate)))
