"""Who may act on a project: API key callers, the caller's role in it, and the project for members only.

Another tenant's project is always a 404, never a 403 that would confirm it
exists. Roles are checked only once membership is established.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.auth.principal import API_KEY_PREFIX, ApiKeyIdentity, Principal, bearer, principal
from app.core.errors import NotFound
from app.extensions import db, login_manager
from app.projects import service as projects
from app.projects.models import Project, ProjectMember
from app.rbac.roles import Role, require


def role_in(project_id: int, caller: Principal) -> Role | None:
    """The caller's role inside `project_id`, or None when it is not a member."""
    if caller.api_key is not None:
        return caller.api_key.role if caller.api_key.project_id == project_id else None
    return db.session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == caller.user.id
        )
    )


def project_for(project_id: int, minimum: Role = Role.AGENT) -> tuple[Project, Role]:
    """(project, caller's role) for the current caller; 404 to non-members, 403 below `minimum`."""
    role = role_in(project_id, principal())
    project = db.session.get(Project, project_id) if role is not None else None
    if project is None or role is None:
        raise NotFound("This project does not exist.", code="project_not_found")
    require(role, minimum)
    return project, role


def _load_api_key(request) -> ApiKeyIdentity | None:
    """Flask-Login's request loader: the caller presenting a live project API key."""
    value = bearer()
    if not value.startswith(API_KEY_PREFIX):
        return None
    api_key = projects.api_key_for_secret(value)
    return ApiKeyIdentity(api_key) if api_key is not None else None


def init_app(app: Flask) -> None:
    """Let project API keys authenticate REST calls."""
    login_manager.request_loader(_load_api_key)
