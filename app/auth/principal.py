"""Who is calling: an agent with an access JWT, or an integration with a project API key.

API keys look like `lck_<prefix>_<secret>` and travel as `Authorization: Bearer …`;
Flask-Login's request_loader resolves them. Everything else is an access JWT
handled by Flask-JWT-Extended.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable

from flask import Flask, g, jsonify, request
from flask_jwt_extended import get_jwt, get_jwt_identity, verify_jwt_in_request
from flask_login import UserMixin
from flask_login import current_user as login_identity

from app.auth.service import FAMILY_CLAIM, is_family_revoked
from app.core.errors import Forbidden, Unauthorized, envelope
from app.extensions import jwt, login_manager
from app.users import service as users

API_KEY_PREFIX = "lck_"


@dataclass
class ApiKeyIdentity(UserMixin):
    """What Flask-Login knows of a caller holding a valid API key."""

    api_key: object

    def get_id(self) -> str:
        return f"api_key:{self.api_key.id}"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: exactly one of `user` and `api_key` is set."""

    user: object | None = None
    api_key: object | None = None

    @property
    def actor(self) -> tuple[str, int]:
        """(type, id) for audit trails."""
        return ("user", self.user.id) if self.user else ("api_key", self.api_key.id)


def bearer() -> str:
    """The bearer credential of the current request, or ''."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _authenticate_user() -> Principal:
    verify_jwt_in_request()
    user = users.get(int(get_jwt_identity()))
    if user is None:
        raise Unauthorized("The account no longer exists.", code="invalid_token")
    return Principal(user=user)


def _authenticate(allow_api_key: bool) -> Principal:
    if bearer().startswith(API_KEY_PREFIX):
        if not allow_api_key:
            raise Forbidden("API keys cannot use this endpoint.", code="user_required")
        if not login_identity.is_authenticated:
            raise Unauthorized("The API key is invalid or revoked.", code="invalid_api_key")
        return Principal(api_key=login_identity.api_key)
    return _authenticate_user()


def authenticated(view: Callable | None = None, *, allow_api_key: bool = True) -> Callable:
    """Require a signed-in agent (or, when allowed, a project API key)."""

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args, **kwargs):
            g.principal = _authenticate(allow_api_key)
            if g.principal.user is not None and "project_id" in kwargs:
                from app.auth.mfa import enforce_project_policy

                enforce_project_policy(g.principal.user, kwargs["project_id"])
            return fn(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def user_required(view: Callable) -> Callable:
    """Require a signed-in agent; API keys are refused."""
    return authenticated(view, allow_api_key=False)


def principal() -> Principal:
    """The caller of the current request (after @authenticated)."""
    return g.principal


def current_user():
    """The signed-in agent of the current request (after @user_required)."""
    return g.principal.user


def current_family_id() -> str | None:
    """The token family of the current access token."""
    return get_jwt().get(FAMILY_CLAIM)


def _envelope(code: str, message: str):
    return jsonify(envelope(code, message)), 401


def init_app(app: Flask) -> None:
    """Wire Flask-JWT-Extended, Flask-Login and OIDC to our error envelope (projects adds the API key loader)."""
    from app.auth import oidc

    jwt.init_app(app)
    login_manager.init_app(app)
    oidc.init_app(app)
    login_manager.session_protection = None

    @jwt.token_in_blocklist_loader
    def is_revoked(jwt_header, jwt_payload) -> bool:
        return is_family_revoked(jwt_payload.get(FAMILY_CLAIM))

    @jwt.expired_token_loader
    def expired(jwt_header, jwt_payload):
        return _envelope("token_expired", "The token has expired.")

    @jwt.invalid_token_loader
    def invalid(reason: str):
        return _envelope("invalid_token", f"The token is invalid: {reason}.")

    @jwt.unauthorized_loader
    def missing(reason: str):
        return _envelope("unauthorized", "Authentication is required.")

    @jwt.revoked_token_loader
    def revoked(jwt_header, jwt_payload):
        return _envelope("token_revoked", "This session has been signed out.")

    @jwt.user_lookup_error_loader
    def unknown_user(jwt_header, jwt_payload):
        return _envelope("invalid_token", "The account no longer exists.")
