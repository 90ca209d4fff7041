"""/api/v1/auth: register, login, refresh, logout; /api/v1/me: the signed-in user."""
from __future__ import annotations

from flask import Blueprint, current_app

from app.auth import service
from app.auth.principal import current_family_id, current_user, user_required
from app.auth.schemas import LoginIn, RefreshIn, RegisterIn, TokensOut
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.extensions import limiter
from app.users import service as users
from app.users.schemas import MeOut, MeUpdate, PasswordChange

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
# /me lives here rather than in `users`: it needs the signed-in principal, and auth sits above users.
me_bp = Blueprint("users", __name__, url_prefix="/api/v1/me")


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.post("/register")
@limiter.limit(_auth_limit)
@documented(summary="Create an account and sign in", body=RegisterIn, response=TokensOut, status=201, auth="none")
def register():
    """Create an account; answers with a first token pair."""
    data = json_body(RegisterIn)
    return dump(TokensOut, service.register(data.email, data.name, data.password)), 201


@bp.post("/login")
@limiter.limit(_auth_limit)
@documented(summary="Sign in with email and password", body=LoginIn, response=TokensOut, auth="none")
def login():
    """Exchange credentials for a token pair."""
    data = json_body(LoginIn)
    user = users.authenticate(data.email, data.password)
    return dump(TokensOut, service.issue_tokens(user))


@bp.post("/refresh")
@limiter.limit(_auth_limit)
@documented(summary="Rotate a refresh token", body=RefreshIn, response=TokensOut, auth="none")
def refresh():
    """Spend a refresh token for a new pair; a spent token revokes its family."""
    data = json_body(RefreshIn)
    return dump(TokensOut, service.rotate(data.refresh_token))


@bp.post("/logout")
@documented(summary="Sign out the session of a refresh token", body=RefreshIn, status=204, auth="none")
def logout():
    """Revoke the refresh token's family (and so its access tokens)."""
    data = json_body(RefreshIn)
    service.revoke(data.refresh_token)
    return "", 204


@me_bp.get("")
@user_required
@documented(summary="The signed-in user", response=MeOut)
def me():
    """Who am I."""
    return dump(MeOut, current_user())


@me_bp.patch("")
@user_required
@documented(summary="Update my profile", body=MeUpdate, response=MeOut)
def update_me():
    """Change my name."""
    data = json_body(MeUpdate)
    return dump(MeOut, users.update_profile(current_user(), name=data.name))


@me_bp.post("/password")
@user_required
@documented(summary="Change my password (signs out my other sessions)", body=PasswordChange, status=204)
def change_password():
    """Set a new password and revoke every other session of mine."""
    data = json_body(PasswordChange)
    service.change_password(current_user(), data.current_password, data.new_password, current_family_id())
    return "", 204
