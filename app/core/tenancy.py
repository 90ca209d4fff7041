"""Tenant scoping: every project-owned look-up goes through here.

Another tenant's resource is always a 404, never a 403 that would confirm
it exists. Who may act on a project is `app.projects.access`.
"""
from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Mapped

from app.core.errors import NotFound
from app.extensions import db


class ProjectOwned(Protocol):
    """A model whose rows belong to one project."""

    id: Mapped[int]
    project_id: Mapped[int]


M = TypeVar("M", bound=ProjectOwned)


def scoped(model: type[M], project_id: int) -> Select[tuple[M]]:
    """SELECT rows of `model` belonging to `project_id`."""
    return select(model).where(model.project_id == project_id)


def get_or_404(model: type[M], object_id: int, project_id: int) -> M:
    """The row of `model` with this id inside `project_id`, or 404."""
    obj = db.session.scalar(scoped(model, project_id).where(model.id == object_id))
    if obj is None:
        raise NotFound(f"{model.__name__} {object_id} does not exist.")
    return obj
