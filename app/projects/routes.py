"""/api/v1/projects: tenants, members, invitations and API keys."""
from __future__ import annotations

from flask import Blueprint

from app.audit import auditable
from app.auth.principal import authenticated, current_user, principal, user_required
from app.core.errors import Forbidden
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, json_body, query_args
from app.projects import service
from app.projects.access import project_for
from app.projects.models import Project
from app.projects.schemas import (
    AcceptedOut,
    ApiKeyCreate,
    ApiKeyCreatedOut,
    ApiKeyOut,
    InvitationCreate,
    InvitationCreatedOut,
    InvitationOut,
    MemberOut,
    MemberUpdate,
    ProjectCreate,
    ProjectOut,
    ProjectSecretsOut,
    ProjectUpdate,
)
from app.rbac.roles import Role

bp = Blueprint("projects", __name__, url_prefix="/api/v1")


def project_body(project: Project, role: Role) -> dict:
    """A project as its caller sees it; managers also see the identity secret."""
    view = {
        "id": project.id,
        "name": project.name,
        "public_key": project.public_key,
        "allowed_origins": project.allowed_origins,
        "widget": project.widget_settings,
        "identity_required": project.identity_required,
        "identity_secret": project.identity_secret,
        "require_2fa": project.require_2fa,
        "audit_retention_days": project.audit_retention_days,
        "role": role,
        "created_at": project.created_at,
    }
    return dump(ProjectSecretsOut if role == Role.MANAGER else ProjectOut, view)


# --- projects -----------------------------------------------------------------

@bp.get("/projects")
@user_required
@documented(summary="My projects", query=PageQuery, response=ProjectOut, paged=True)
def list_projects():
    """The projects I belong to, with my role in each."""
    rows, next_cursor = service.projects_of(current_user(), query_args(PageQuery))
    return page_body([project_body(p, role) for p, role in rows], next_cursor)


@bp.post("/projects")
@user_required
@auditable("project.create", target="project")
@documented(
    summary="Create a project (I become its manager)", body=ProjectCreate, response=ProjectSecretsOut, status=201
)
def create_project():
    """Create a tenant."""
    project = service.create_project(current_user(), json_body(ProjectCreate))
    return project_body(project, Role.MANAGER), 201


@bp.get("/projects/<int:project_id>")
@authenticated
@documented(summary="Read a project", response=ProjectOut)
def get_project(project_id: int):
    """One project I belong to."""
    project, role = project_for(project_id)
    return project_body(project, role)


@bp.patch("/projects/<int:project_id>")
@authenticated
@auditable("project.update", target="project")
@documented(summary="Update a project (managers)", body=ProjectUpdate, response=ProjectSecretsOut,
            errors={403: "`mfa_enrolment_required`: turning `require_2fa` on needs two-factor authentication on "
                         "the manager's own account; `user_required`: not with an API key"})
def update_project(project_id: int):
    """Rename, set allowed origins and widget settings."""
    project, role = project_for(project_id, Role.MANAGER)
    return project_body(service.update_project(project, json_body(ProjectUpdate), principal()), role)


@bp.delete("/projects/<int:project_id>")
@authenticated
@auditable("project.delete", target="project")
@documented(summary="Delete a project and all it owns (managers; not with an API key)", status=204)
def delete_project(project_id: int):
    """Delete the tenant."""
    project, _ = project_for(project_id, Role.MANAGER)
    if principal().api_key is not None:
        raise Forbidden("Only a signed-in manager can delete a project.", code="user_required")
    service.delete_project(project)
    return "", 204


# --- members ------------------------------------------------------------------

@bp.get("/projects/<int:project_id>/members")
@authenticated
@documented(summary="Members of a project", query=PageQuery, response=MemberOut, paged=True)
def list_members(project_id: int):
    """Everyone who works in the project, with their role."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.members(project, query_args(PageQuery))
    return page_body([dump(MemberOut, m) for m in rows], next_cursor)


@bp.patch("/projects/<int:project_id>/members/<int:user_id>")
@authenticated
@auditable("member.role_change", target=("member", "user_id"))
@documented(summary="Change a member's role (managers)", body=MemberUpdate, response=MemberOut)
def update_member(project_id: int, user_id: int):
    """Promote or demote; the last manager stays a manager."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(MemberOut, service.change_role(project, user_id, json_body(MemberUpdate).role))


@bp.delete("/projects/<int:project_id>/members/<int:user_id>")
@authenticated
@auditable("member.remove", target=("member", "user_id"))
@documented(summary="Remove a member (managers)", status=204)
def remove_member(project_id: int, user_id: int):
    """Remove someone from the project; the last manager stays."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.remove_member(project, user_id)
    return "", 204


# --- invitations --------------------------------------------------------------

@bp.get("/projects/<int:project_id>/invitations")
@authenticated
@documented(summary="Pending invitations (managers)", query=PageQuery, response=InvitationOut, paged=True)
def list_invitations(project_id: int):
    """Invitations not yet accepted, revoked or expired."""
    project, _ = project_for(project_id, Role.MANAGER)
    rows, next_cursor = service.pending_invitations(project, query_args(PageQuery))
    return page_body([dump(InvitationOut, i) for i in rows], next_cursor)


@bp.post("/projects/<int:project_id>/invitations")
@authenticated
@auditable("invitation.create", target="invitation")
@documented(
    summary="Invite someone by email (managers)", body=InvitationCreate, response=InvitationCreatedOut, status=201
)
def create_invitation(project_id: int):
    """Email a single-use link to join the project."""
    project, _ = project_for(project_id, Role.MANAGER)
    invitation, accept_url = service.invite(project, principal().user, json_body(InvitationCreate))
    body = dump(InvitationOut, invitation) | {"accept_url": accept_url}
    return dump(InvitationCreatedOut, body), 201


@bp.delete("/projects/<int:project_id>/invitations/<int:invitation_id>")
@authenticated
@auditable("invitation.revoke", target="invitation")
@documented(summary="Withdraw an invitation (managers)", status=204)
def revoke_invitation(project_id: int, invitation_id: int):
    """The link stops working."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.revoke_invitation(project, invitation_id)
    return "", 204


@bp.post("/invitations/<token>/accept")
@user_required
@auditable("invitation.accept", target=None)
@documented(summary="Accept an invitation sent to my email", response=AcceptedOut)
def accept_invitation(token: str):
    """Join the project the invitation is for."""
    project, role = service.accept_invitation(token[:200], current_user())
    return {"project": project_body(project, role)}


# --- API keys -----------------------------------------------------------------

@bp.get("/projects/<int:project_id>/api-keys")
@authenticated
@documented(summary="API keys (managers)", query=PageQuery, response=ApiKeyOut, paged=True)
def list_api_keys(project_id: int):
    """Keys by prefix; secrets are never shown again."""
    project, _ = project_for(project_id, Role.MANAGER)
    rows, next_cursor = service.api_keys(project, query_args(PageQuery))
    return page_body([dump(ApiKeyOut, k) for k in rows], next_cursor)


@bp.post("/projects/<int:project_id>/api-keys")
@authenticated
@auditable("api_key.create", target="api_key")
@documented(
    summary="Create an API key (managers); the secret is shown once",
    body=ApiKeyCreate,
    response=ApiKeyCreatedOut,
    status=201,
)
def create_api_key(project_id: int):
    """A new key acting with the given role inside this project only."""
    project, _ = project_for(project_id, Role.MANAGER)
    api_key, secret = service.create_api_key(project, principal().user, json_body(ApiKeyCreate))
    return dump(ApiKeyOut, api_key) | {"key": secret}, 201


@bp.delete("/projects/<int:project_id>/api-keys/<int:api_key_id>")
@authenticated
@auditable("api_key.revoke", target="api_key")
@documented(summary="Revoke an API key (managers)", status=204)
def revoke_api_key(project_id: int, api_key_id: int):
    """Calls with this key fail from now on."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.revoke_api_key(project, api_key_id)
    return "", 204
