"""Account logic: look-ups, profile changes, password changes."""
from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.core.errors import Conflict, Unauthorized
from app.core.security import hash_password, verify_password
from app.extensions import db
from app.users import passwords
from app.users.models import User
from app.users.schemas import normalise_email


def find_by_email(email: str) -> User | None:
    """The user with this email, compared case-insensitively."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get(user_id: int) -> User | None:
    """The active user with this id."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def create(email: str, name: str, password: str) -> User:
    """Add a user to the session (the caller commits); 409 when the email is taken.

    Registration says when an email is taken: the dashboard must tell a person who already has an
    account to sign in instead. Its per-IP limit keeps that from being a fast way to list accounts.
    """
    passwords.check(password, user_inputs=(email, name))
    if find_by_email(email) is not None:
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(email=normalise_email(email), name=name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The user owning these credentials; the error never says which part was wrong.

    An unknown email costs the same argon2 verification (see verify_password) and the same audit
    write as a known one.
    """
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        # Both paths write one entry, so a known email costs no more than an unknown one.
        audit.failed_sign_in(user.id if user else None, normalise_email(email))
        raise Unauthorized("Email or password is incorrect.", code="invalid_credentials")
    return user


def update_profile(user: User, *, name: str | None) -> User:
    """Change the profile fields that were given."""
    if name is not None:
        user.name = name
    db.session.commit()
    return user


def set_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one (the caller revokes sessions)."""
    if not verify_password(user.password_hash, current_password):
        raise Unauthorized("The current password is incorrect.", code="invalid_credentials")
    passwords.check(new_password, field="new_password", user_inputs=(user.email, user.name))
    user.password_hash = hash_password(new_password)


def reset_password(user: User, new_password: str) -> None:
    """Replace the password without the old one (a reset link proved the mailbox)."""
    passwords.check(new_password, user_inputs=(user.email, user.name))
    user.password_hash = hash_password(new_password)
