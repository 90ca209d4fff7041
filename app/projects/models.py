"""Projects (tenants) and who may act inside them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Timestamped, UTCDateTime, utcnow
from app.extensions import db
from app.rbac.roles import Role
from app.users.models import User

ROLE = db.Enum(Role, name="project_role", native_enum=False, length=16, validate_strings=True)


class Project(Timestamped, db.Model):
    """A tenant: one business and its website(s)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    allowed_origins: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    widget_settings: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    identity_secret: Mapped[str] = mapped_column(String(128), nullable=False)
    identity_required: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Members without TOTP get 403 mfa_enrolment_required on this project's routes and sockets.
    require_2fa: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False, server_default=false())
    audit_retention_days: Mapped[int] = mapped_column(default=365, nullable=False, server_default="365")


class ProjectMember(db.Model):
    """A user's role in a project."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    role: Mapped[Role] = mapped_column(ROLE, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    user: Mapped[User] = relationship(lazy="joined")


class Invitation(db.Model):
    """An emailed, single-use, expiring offer to join a project; only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    role: Mapped[Role] = mapped_column(ROLE, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiKey(db.Model):
    """A REST integration's credential: `lck_<prefix>_<secret>`, stored as prefix + hash."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    prefix: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[Role] = mapped_column(ROLE, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
