"""Project, membership, invitation and API key logic."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.core import jobs
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.pagination import PageQuery, paginate
from app.core.security import digest, new_secret, same_digest
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.mail import service as mail
from app.presence import service as presence
from app.projects.models import ApiKey, Invitation, Project, ProjectMember
from app.projects.schemas import ApiKeyCreate, InvitationCreate, ProjectCreate, ProjectUpdate, WidgetSettings
from app.rbac.roles import Role
from app.users.models import User

# --- projects -----------------------------------------------------------------

def create_project(owner: User, data: ProjectCreate) -> Project:
    """A new project; its creator becomes its first manager."""
    project = Project(
        name=data.name,
        public_key=new_secret("pk_", 18),
        allowed_origins=data.allowed_origins,
        widget_settings=WidgetSettings().model_dump(),
        identity_secret=new_secret("ids_", 32),
    )
    db.session.add(project)
    db.session.flush()
    db.session.add(ProjectMember(project_id=project.id, user_id=owner.id, role=Role.MANAGER))
    db.session.commit()
    return project


def projects_of(user: User, page: PageQuery) -> tuple[list[tuple[Project, Role]], str | None]:
    """The projects `user` belongs to, with the user's role in each."""
    memberships, next_cursor = paginate(
        select(ProjectMember).where(ProjectMember.user_id == user.id), [ProjectMember.id], page, descending=False
    )
    projects = {
        p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_([m.project_id for m in memberships])))
    }
    return [(projects[m.project_id], m.role) for m in memberships], next_cursor


def project_ids_of(user: User) -> list[int]:
    """The ids of every project `user` belongs to (a socket joins all their rooms)."""
    return list(db.session.scalars(
        select(ProjectMember.project_id).where(ProjectMember.user_id == user.id).order_by(ProjectMember.id)))


def update_project(project: Project, data: ProjectUpdate, caller=None) -> Project:
    """Apply the fields that were given; requiring 2FA needs a manager with 2FA. Commits."""
    from app import audit
    from app.auth import mfa

    if data.require_2fa and not project.require_2fa:
        if caller is None or caller.user is None:
            raise Forbidden("Only a signed-in manager can require two-factor authentication.", code="user_required")
        mfa.check_can_require(caller.user)
    given = data.model_dump(exclude_unset=True, exclude={"widget"})
    audit.record("project.update", target=("project", project.id), changes=audit.diff(project, given))
    if data.require_2fa is not None:
        project.require_2fa = data.require_2fa
    if data.audit_retention_days is not None:
        project.audit_retention_days = data.audit_retention_days
    if data.name is not None:
        project.name = data.name
    if data.allowed_origins is not None:
        project.allowed_origins = data.allowed_origins
    if data.widget is not None:
        project.widget_settings = data.widget.model_dump()
    if data.identity_required is not None:
        project.identity_required = data.identity_required
    db.session.commit()
    return project


def delete_project(project: Project) -> None:
    """Delete the project and, through cascades, everything it owns; its attachment files go in a job."""
    project_id = project.id
    db.session.execute(delete(Project).where(Project.id == project_id))
    jobs.enqueue("app.inbox.jobs.remove_project_files", project_id)
    db.session.commit()


def find_by_public_key(public_key: str) -> Project | None:
    """The project a widget names by its public key."""
    return db.session.scalar(select(Project).where(Project.public_key == public_key))


# --- members ------------------------------------------------------------------

def members(project: Project, page: PageQuery) -> tuple[list[ProjectMember], str | None]:
    """The project's members, oldest first."""
    return paginate(scoped(ProjectMember, project.id), [ProjectMember.id], page, descending=False)


def member_user_ids(project_id: int) -> list[int]:
    """Ids of every user who belongs to the project."""
    return list(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)))


def _member(project: Project, user_id: int) -> ProjectMember:
    member = db.session.scalar(scoped(ProjectMember, project.id).where(ProjectMember.user_id == user_id))
    if member is None:
        raise NotFound("This user is not a member of the project.", code="member_not_found")
    return member


def _ensure_another_manager(project: Project, leaving: ProjectMember) -> None:
    if leaving.role != Role.MANAGER:
        return
    managers = db.session.scalar(
        select(func.count()).select_from(ProjectMember).where(
            ProjectMember.project_id == project.id, ProjectMember.role == Role.MANAGER
        )
    )
    if managers <= 1:
        raise Conflict("A project must keep at least one manager.", code="last_manager")


def change_role(project: Project, user_id: int, role: Role) -> ProjectMember:
    """Change a member's role; the last manager cannot be demoted."""
    member = _member(project, user_id)
    if role != Role.MANAGER:
        _ensure_another_manager(project, member)
    member.role = role
    db.session.commit()
    return member


def remove_member(project: Project, user_id: int) -> None:
    """Remove a member; the last manager cannot be removed."""
    member = _member(project, user_id)
    _ensure_another_manager(project, member)
    db.session.delete(member)
    db.session.commit()
    presence.disconnect_agent(user_id)


# --- invitations --------------------------------------------------------------

def invite(project: Project, inviter: User | None, data: InvitationCreate) -> tuple[Invitation, str]:
    """Store a hashed single-use token and email the link; returns (invitation, accept_url)."""
    already = db.session.scalar(
        select(ProjectMember).join(User, User.id == ProjectMember.user_id).where(
            ProjectMember.project_id == project.id, User.email == data.email
        )
    )
    if already is not None:
        raise Conflict("This person is already a member of the project.", code="already_member")
    token = new_secret(nbytes=32)
    invitation = Invitation(
        project_id=project.id,
        email=data.email,
        role=data.role,
        token_hash=digest(token),
        invited_by_id=inviter.id if inviter else None,
        expires_at=utcnow() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    accept_url = f"{current_app.config['PUBLIC_URL']}/invitations/{token}"
    inviter_name = inviter.name if inviter else "A manager"
    mail.send(data.email, f"You are invited to {project.name}", "invitation", inviter=inviter_name,
              project=project.name, role=data.role.value.lower(), link=accept_url,
              hours=current_app.config["INVITATION_TTL_HOURS"])
    db.session.commit()
    return invitation, accept_url


def pending_invitations(project: Project, page: PageQuery) -> tuple[list[Invitation], str | None]:
    """Invitations that can still be accepted."""
    stmt = scoped(Invitation, project.id).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()
    )
    return paginate(stmt, [Invitation.id], page)


def revoke_invitation(project: Project, invitation_id: int) -> None:
    """Withdraw a pending invitation."""
    invitation = get_or_404(Invitation, invitation_id, project.id)
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted.", code="invitation_already_used")
    invitation.revoked_at = invitation.revoked_at or utcnow()
    db.session.commit()


def accept_invitation(token: str, user: User) -> tuple[Project, Role]:
    """Make `user` a member if the token is valid, unused, unexpired and meant for their email."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("This invitation does not exist.", code="invitation_not_found")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already used.", code="invitation_already_used")
    if invitation.expires_at <= utcnow():
        raise Unprocessable("This invitation has expired; ask for a new one.", code="invitation_expired")
    if invitation.email != user.email:
        raise Forbidden("This invitation was sent to another email address.", code="invitation_email_mismatch")
    member = db.session.scalar(
        scoped(ProjectMember, invitation.project_id).where(ProjectMember.user_id == user.id)
    )
    if member is None:
        db.session.add(ProjectMember(project_id=invitation.project_id, user_id=user.id, role=invitation.role))
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.commit()
    return db.session.get(Project, invitation.project_id), (member.role if member else invitation.role)


# --- API keys -----------------------------------------------------------------

def create_api_key(project: Project, creator: User | None, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """A new key; the full secret is returned once and only its hash is kept."""
    prefix = new_secret(nbytes=6).replace("-", "x").replace("_", "x")
    secret = f"lck_{prefix}_{new_secret(nbytes=32)}"
    api_key = ApiKey(
        project_id=project.id,
        name=data.name,
        prefix=prefix,
        key_hash=digest(secret),
        role=data.role,
        created_by_id=creator.id if creator else None,
    )
    db.session.add(api_key)
    db.session.commit()
    return api_key, secret


def api_keys(project: Project, page: PageQuery) -> tuple[list[ApiKey], str | None]:
    """The project's keys, newest first (secrets are never listed)."""
    return paginate(scoped(ApiKey, project.id), [ApiKey.id], page)


def revoke_api_key(project: Project, api_key_id: int) -> None:
    """Revoke a key; calls with it fail from now on."""
    api_key = get_or_404(ApiKey, api_key_id, project.id)
    api_key.revoked_at = api_key.revoked_at or utcnow()
    db.session.commit()


def api_key_for_secret(secret: str) -> ApiKey | None:
    """The live key matching a presented `lck_<prefix>_<secret>`, stamping its last use."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or not parts[1]:
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if api_key is None or api_key.revoked_at is not None or not same_digest(secret, api_key.key_hash):
        return None
    now = utcnow()
    # Stamp at most once a minute: a busy integration should not write on every call.
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        api_key.last_used_at = now
        db.session.commit()
    return api_key
