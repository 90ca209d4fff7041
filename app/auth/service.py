"""Token issue, rotation and revocation."""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app, request
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from sqlalchemy import select, update

from app import audit
from app.auth.models import OneTimeToken, RefreshToken, TokenFamily
from app.core.db import utcnow
from app.core.errors import Unauthorized, Unprocessable
from app.core.security import digest, new_secret, same_digest
from app.extensions import db
from app.mail import service as mail
from app.users import service as users
from app.users.models import User

FAMILY_CLAIM = "fam"


def _lifetime(key: str) -> timedelta:
    value = current_app.config[key]
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def issue_tokens(user: User, family: TokenFamily | None = None) -> dict:
    """A new access + refresh pair; a new family unless one is being rotated. Commits."""
    if family is None:
        family = TokenFamily(
            id=str(uuid.uuid4()),
            user_id=user.id,
            user_agent=(request.user_agent.string or "")[:255] if request else None,
            ip=request.remote_addr if request else None,
        )
        db.session.add(family)
        db.session.flush()
    claims = {FAMILY_CLAIM: family.id}
    refresh = create_refresh_token(identity=str(user.id), additional_claims=claims)
    db.session.add(
        RefreshToken(
            jti=decode_token(refresh)["jti"],
            token_hash=digest(refresh),
            family_id=family.id,
            expires_at=utcnow() + _lifetime("JWT_REFRESH_TOKEN_EXPIRES"),
        )
    )
    db.session.commit()
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": int(_lifetime("JWT_ACCESS_TOKEN_EXPIRES").total_seconds()),
        "user": user,
    }


def _stored_refresh_token(token: str) -> RefreshToken:
    """The stored row behind a presented refresh JWT, or 401."""
    try:
        claims = decode_token(token)
    except (PyJWTError, JWTExtendedException):
        raise Unauthorized("The refresh token is invalid or expired.", code="invalid_refresh_token") from None
    if claims.get("type") != "refresh":
        raise Unauthorized("This is not a refresh token.", code="invalid_refresh_token")
    stored = db.session.scalar(select(RefreshToken).where(RefreshToken.jti == claims["jti"]))
    if stored is None or not same_digest(token, stored.token_hash):
        raise Unauthorized("The refresh token is invalid or expired.", code="invalid_refresh_token")
    return stored


def rotate(token: str) -> dict:
    """Spend a refresh token for a new pair; re-use of a spent one revokes its family."""
    stored = _stored_refresh_token(token)
    family = db.session.get(TokenFamily, stored.family_id)
    if family.is_revoked:
        raise Unauthorized("This session has been signed out.", code="session_revoked")
    # Conditional update: of two concurrent refreshes with one token, exactly one wins.
    spent = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        family.revoked_at = utcnow()
        db.session.commit()
        raise Unauthorized(
            "This refresh token was already used; the session has been revoked.", code="refresh_token_reused"
        )
    user = users.get(family.user_id)
    if user is None:
        db.session.rollback()
        raise Unauthorized("The account is disabled.", code="invalid_refresh_token")
    return issue_tokens(user, family)


def revoke(token: str) -> None:
    """Sign out the session the refresh token belongs to."""
    stored = _stored_refresh_token(token)
    family = db.session.get(TokenFamily, stored.family_id)
    if not family.is_revoked:
        family.revoked_at = utcnow()
    db.session.commit()


def register(email: str, name: str, password: str) -> User:
    """Create an account and mail its verification link. Commits."""
    user = users.create(email, name, password)
    db.session.commit()
    send_verification(user)
    return user


def change_password(user: User, current_password: str, new_password: str, keep_family_id: str | None) -> None:
    """Set a new password and sign out every other session of `user`. Commits."""
    users.set_password(user, current_password, new_password)
    revoke_other_sessions(user, keep_family_id)
    db.session.commit()


def revoke_other_sessions(user: User, keep_family_id: str | None) -> None:
    """Revoke every family of `user` but the caller's (after a password change)."""
    stmt = update(TokenFamily).where(TokenFamily.user_id == user.id, TokenFamily.revoked_at.is_(None))
    if keep_family_id:
        stmt = stmt.where(TokenFamily.id != keep_family_id)
    db.session.execute(stmt.values(revoked_at=utcnow()))


def is_family_revoked(family_id: str | None) -> bool:
    """True when an access token's family has been revoked (or is unknown)."""
    if not family_id:
        return True
    family = db.session.get(TokenFamily, family_id)
    return family is None or family.is_revoked


def socket_identity(token: str) -> tuple[User, dict]:
    """The active user of an access token presented by a socket, and its claims; 401 when it is
    invalid, expired, not an access token, signed out, or its account is gone."""
    try:
        claims = decode_token(token)
    except Exception:
        raise Unauthorized("The access token is invalid or expired.", code="invalid_token") from None
    if claims.get("type") != "access" or is_family_revoked(claims.get(FAMILY_CLAIM)):
        raise Unauthorized("The access token is invalid or revoked.", code="invalid_token")
    user = users.get(int(claims["sub"])) if str(claims.get("sub", "")).isdigit() else None
    if user is None or not user.is_active:
        raise Unauthorized("The account no longer exists.", code="invalid_token")
    return user, claims


# --- mailed links: email verification and password reset --------------------------------------

RESET = "password_reset"
VERIFY = "verify_email"


def _issue_link_token(user: User, purpose: str, ttl_seconds: int) -> str:
    """A new single-use token for `purpose`; earlier unused ones of that purpose stop working."""
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = new_secret(nbytes=32)
    db.session.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=digest(token),
                                expires_at=utcnow() + timedelta(seconds=ttl_seconds)))
    return token


def _spend_link_token(token: str, purpose: str) -> User:
    """The account a valid, unused, unexpired token belongs to (now spent), or 422."""
    stored = db.session.scalar(select(OneTimeToken).where(
        OneTimeToken.token_hash == digest(token), OneTimeToken.purpose == purpose))
    spent = stored is not None and db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == stored.id, OneTimeToken.used_at.is_(None), OneTimeToken.expires_at > utcnow())
        .values(used_at=utcnow())
    ).rowcount == 1
    user = users.get(stored.user_id) if spent else None
    if user is None:
        db.session.rollback()
        raise Unprocessable("This link is invalid, expired or was already used.", code="invalid_link_token")
    return user


def send_verification(user: User) -> None:
    """Mail a link confirming the account's address. Commits."""
    token = _issue_link_token(user, VERIFY, current_app.config["EMAIL_VERIFY_TTL_SECONDS"])
    link = f"{current_app.config['PUBLIC_URL']}/verify-email?token={token}"
    mail.send(user.email, "Confirm your email address", "verify_email", name=user.name, email=user.email, link=link)
    db.session.commit()


def verify_email(token: str) -> User:
    """Mark the address of the token's account verified. Commits."""
    user = _spend_link_token(token, VERIFY)
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    audit.security_event(user.id, "account.email_verified")
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists; the caller answers the same either way. Commits."""
    user = users.find_by_email(email)
    if user is None or not user.is_active:
        return
    ttl = current_app.config["PASSWORD_RESET_TTL_SECONDS"]
    token = _issue_link_token(user, RESET, ttl)
    link = f"{current_app.config['PUBLIC_URL']}/reset-password?token={token}"
    mail.send(user.email, "Reset your password", "password_reset", name=user.name, link=link, minutes=ttl // 60)
    db.session.commit()
    audit.security_event(user.id, "account.password_reset_requested", actor=("anonymous", None))


def reset_password(token: str, password: str) -> None:
    """Set a new password from a mailed link and sign out every session of the account. Commits."""
    user = _spend_link_token(token, RESET)
    users.reset_password(user, password)
    # Whoever could read the mailbox owns the account now; every old session goes.
    revoke_other_sessions(user, keep_family_id=None)
    # The link proved the mailbox, so the address is verified too.
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    audit.security_event(user.id, "account.password_reset")
