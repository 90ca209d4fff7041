"""The user account."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Timestamped, UTCDateTime
from app.extensions import db


class User(Timestamped, db.Model):
    """A person who signs in; `email` is stored normalised (lower-case) and unique."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # TOTP: the secret is set at setup and only counts once `totp_enabled_at` is set (after a valid code).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last accepted time step: a code is accepted once, so a replayed (or older) one is refused.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
