"""Token issue, rotation and revocation."""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app, request
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt.exceptions import PyJWTError
from flask_jwt_extended.exceptions import JWTExtendedException
from sqlalchemy import select, update

from app.auth.models import RefreshToken, TokenFamily
from app.core.db import utcnow
from app.core.errors import Unauthorized
from app.core.security import digest, same_digest
from app.extensions import db
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


def register(email: str, name: str, password: str) -> dict:
    """Create an account and sign it in; answers with its first token pair. Commits."""
    return issue_tokens(users.create(email, name, password))


def change_password(user: User, current_password: str, new_password: str, keep_family_id: str | None) -> None:
    """Set a new password and sign out every other session of `user`. Commits."""
    users.set_password(user, current_password, new_password)
    revoke_other_sessions(user, keep_family_id=keep_family_id)
    db.session.commit()
