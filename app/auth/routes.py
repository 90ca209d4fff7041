"""/api/v1/auth: register, login, refresh, logout."""
from __future__ import annotations

from flask import Blueprint, current_app

from app.auth import service
from app.auth.schemas import LoginIn, RefreshIn, RegisterIn, TokensOut
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.extensions import db, limiter
from app.users import service as users

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.post("/register")
@limiter.limit(_auth_limit)
@documented(summary="Create an account and sign in", body=RegisterIn, response=TokensOut, status=201, auth="none")
def register():
    """Create an account; answers with a first token pair."""
    data = json_body(RegisterIn)
    user = users.create(data.email, data.name, data.password)
    db.session.commit()
    return dump(TokensOut, service.issue_tokens(user)), 201


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
