"""Canned responses: scopes, the variables they may hold, search and rendering."""
from __future__ import annotations

import re

from sqlalchemy import or_

from app.auth.principal import Principal
from app.canned.models import CannedResponse
from app.canned.schemas import CannedCreate, CannedListQuery, CannedRender, CannedUpdate
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import scoped
from app.extensions import db
from app.inbox import service as inbox
from app.projects.models import Project
from app.rbac.roles import Role
from app.visitors import service as visitors

VARIABLES = ("visitor.name", "visitor.email", "agent.name", "project.name")
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def check_variables(content: str) -> None:
    """422 naming the first `{{…}}` that is not one of VARIABLES."""
    for match in _VARIABLE.finditer(content):
        if match.group(1) not in VARIABLES:
            raise Unprocessable(
                f"Unknown variable {{{{{match.group(1)}}}}}; use one of "
                + ", ".join("{{" + v + "}}" for v in VARIABLES)
                + ".",
                code="unknown_variable",
                details={"variable": match.group(1), "allowed": list(VARIABLES)},
            )


def fill(content: str, values: dict[str, str | None]) -> str:
    """Replace each variable with its value (empty when unknown for this visitor)."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1)) or "", content)


def _visible(project_id: int, caller: Principal):
    owner = caller.user.id if caller.user else None
    return scoped(CannedResponse, project_id).where(
        or_(CannedResponse.scope == "project", CannedResponse.owner_id == owner))


def list_responses(
    project: Project, caller: Principal, query: CannedListQuery
) -> tuple[list[CannedResponse], str | None]:
    """Project-wide responses and the caller's own personal ones; `q` searches shortcut and title."""
    stmt = _visible(project.id, caller)
    if query.scope:
        stmt = stmt.where(CannedResponse.scope == query.scope)
    if query.q:
        pattern = "%" + query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(db.func.lower(CannedResponse.shortcut).like(pattern, escape="\\"),
                              db.func.lower(CannedResponse.title).like(pattern, escape="\\")))
    return paginate(stmt, (CannedResponse.shortcut, CannedResponse.id),
                    PageQuery(limit=query.limit, cursor=query.cursor), descending=False)


def get_response(project: Project, caller: Principal, response_id: int) -> CannedResponse:
    """A response the caller can see, or 404 (someone else's personal ones included)."""
    found = db.session.scalar(_visible(project.id, caller).where(CannedResponse.id == response_id))
    if found is None:
        raise NotFound("This canned response does not exist.")
    return found


def _check_write(response_scope: str, role: Role, caller: Principal) -> None:
    if response_scope == "project":
        if not role.includes(Role.MANAGER):
            raise Forbidden("Only managers write project-wide canned responses.", code="insufficient_role")
    elif caller.user is None:
        raise Forbidden("Personal canned responses belong to a signed-in agent.", code="user_required")


def _check_unique(project_id: int, scope: str, owner_id: int | None, shortcut: str, exclude: int | None = None) -> None:
    stmt = scoped(CannedResponse, project_id).where(CannedResponse.scope == scope, CannedResponse.shortcut == shortcut,
                                                     CannedResponse.owner_id.is_(owner_id) if owner_id is None
                                                     else CannedResponse.owner_id == owner_id)
    if exclude:
        stmt = stmt.where(CannedResponse.id != exclude)
    if db.session.scalar(stmt) is not None:
        raise Conflict(f"The shortcut /{shortcut} is taken.", code="shortcut_taken")


def create_response(project: Project, role: Role, caller: Principal, data: CannedCreate) -> CannedResponse:
    """Save a canned response after checking scope rights and variables. Commits."""
    _check_write(data.scope, role, caller)
    check_variables(data.content)
    owner_id = caller.user.id if data.scope == "personal" else None
    _check_unique(project.id, data.scope, owner_id, data.shortcut)
    response = CannedResponse(project_id=project.id, scope=data.scope, owner_id=owner_id, shortcut=data.shortcut,
                              title=data.title, content=data.content)
    db.session.add(response)
    db.session.commit()
    return response


def update_response(
    project: Project, role: Role, caller: Principal, response_id: int, data: CannedUpdate
) -> CannedResponse:
    """Edit a response the caller may write. Commits."""
    response = get_response(project, caller, response_id)
    _check_write(response.scope, role, caller)
    if data.content is not None:
        check_variables(data.content)
        response.content = data.content
    if data.shortcut is not None and data.shortcut != response.shortcut:
        _check_unique(project.id, response.scope, response.owner_id, data.shortcut, exclude=response.id)
        response.shortcut = data.shortcut
    if data.title is not None:
        response.title = data.title
    db.session.commit()
    return response


def delete_response(project: Project, role: Role, caller: Principal, response_id: int) -> None:
    """Delete a response the caller may write. Commits."""
    response = get_response(project, caller, response_id)
    _check_write(response.scope, role, caller)
    db.session.delete(response)
    db.session.commit()


def render(project: Project, caller: Principal, response_id: int, data: CannedRender) -> str:
    """The response's content with its variables filled for a conversation's (or a visitor's) context."""
    response = get_response(project, caller, response_id)
    visitor = None
    if data.conversation_id:
        visitor = visitors.get_visitor(project, inbox.get_conversation(project, data.conversation_id).visitor_id)
    elif data.visitor_id:
        visitor = visitors.get_visitor(project, data.visitor_id)
    return fill(response.content, {
        "visitor.name": visitor.name if visitor else None,
        "visitor.email": visitor.email if visitor else None,
        "agent.name": caller.user.name if caller.user else None,
        "project.name": project.name,
    })
