"""Tenant scoping: every project-owned look-up goes through here.

Another tenant's resource is always a 404, never a 403 that would confirm
it exists. Roles are checked only once membership is established.
"""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, select

from app.auth.principal import Principal, principal
from app.core.errors import NotFound
from app.extensions import db
from app.rbac.roles import Role, require

M = TypeVar("M")


def scoped(model: type[M], project_id: int) -> Select:
    """SELECT rows of `model` belonging to `project_id`."""
    return select(model).where(model.project_id == project_id)


def get_or_404(model: type[M], object_id: int, project_id: int) -> M:
    """The row of `model` with this id inside `project_id`, or 404."""
    obj = db.session.scalar(scoped(model, project_id).where(model.id == object_id))
    if obj is None:
        raise NotFound(f"{model.__name__} {object_id} does not exist.")
    return obj


def role_in(project_id: int, caller: Principal) -> Role | None:
    """The caller's role inside `project_id`, or None when it is not a member."""
    from app.projects.models import ProjectMember

    if caller.api_key is not None:
        return caller.api_key.role if caller.api_key.project_id == project_id else None
    return db.session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == caller.user.id
        )
    )


def project_for(project_id: int, minimum: Role = Role.AGENT):
    """(project, caller's role) for the current caller; 404 to non-members, 403 below `minimum`."""
    from app.projects.models import Project

    role = role_in(project_id, principal())
    project = db.session.get(Project, project_id) if role is not None else None
    if project is None:
        raise NotFound("This project does not exist.", code="project_not_found")
    require(role, minimum)
    return project, role
