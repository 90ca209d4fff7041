"""Brute-force limits of the sign-in routes (Flask-Limiter: Redis in production, memory in embedded).

Each value is a setting (see app/config.py). Sign-in and 2FA verify count failed attempts only,
so people who sign in often are never locked out by their own successes. `AUTH_RATE_LIMIT`,
when set (the test suite sets it), replaces every one of them.
"""
from __future__ import annotations

from typing import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.users.schemas import normalise_email


def _value(setting: str) -> Callable[[], str]:
    def value() -> str:
        return current_app.config.get("AUTH_RATE_LIMIT") or current_app.config[setting]

    return value


def _body_field(name: str) -> str:
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def _email_key() -> str:
    return "email:" + normalise_email(_body_field("email"))[:254]


def _mfa_account_key() -> str:
    from app.auth.mfa import user_id_of

    return f"mfa-account:{user_id_of(_body_field('mfa_token')[:1024], max_age=None)}"


def _failed(response) -> bool:
    # 422: a well-formed but unknown one-time code (`invalid_link_token`), as a guess answers.
    return response.status_code in (400, 401, 422)


def per_ip(setting: str, *, failures_only: bool = False):
    """The limit named by `setting`, per client address."""
    return limiter.limit(_value(setting), key_func=get_remote_address, scope=f"{setting}:ip",
                         deduct_when=_failed if failures_only else None)


def per_email(setting: str, *, failures_only: bool = False):
    """The limit named by `setting`, per e-mail address in the JSON body."""
    return limiter.limit(_value(setting), key_func=_email_key, scope=f"{setting}:email",
                         deduct_when=_failed if failures_only else None)


def per_mfa_account(setting: str):
    """The limit named by `setting`, per account of the body's mfa_token (failed codes only)."""
    return limiter.limit(_value(setting), key_func=_mfa_account_key, scope=f"{setting}:account", deduct_when=_failed)
