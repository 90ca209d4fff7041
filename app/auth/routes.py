"""/api/v1/auth: register, login (+ 2FA step), refresh, logout, password reset, email verification."""
from __future__ import annotations

from flask import Blueprint, current_app

from app import audit
from app.audit import audit_exempt, audited_in_service
from app.auth import limits, mfa, oidc, service
from app.auth.schemas import (
    ExchangeIn,
    ForgotIn,
    LoginIn,
    LoginOut,
    MfaVerifyIn,
    ProvidersOut,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokenIn,
    TokensOut,
)
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.users import service as users

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

_LINK_REFUSED = {422: "`invalid_link_token`: the token is unknown, expired or already used"}


def _signed_in(user) -> dict:
    tokens = dump(TokensOut, service.issue_tokens(user))
    audit.security_event(user.id, "auth.login")
    return tokens


@bp.post("/register")
@limits.per_ip("REGISTER_RATE_PER_IP")
@audited_in_service("account.registered")
@documented(summary="Create an account and sign in (a verification mail follows)", body=RegisterIn,
            response=TokensOut, status=201, auth="none")
def register():
    """Create an account; answers with a first token pair."""
    data = json_body(RegisterIn)
    user = service.register(data.email, data.name, data.password)
    audit.security_event(user.id, "account.registered")
    return dump(TokensOut, service.issue_tokens(user)), 201


@bp.post("/login")
@limits.per_email("LOGIN_RATE_PER_EMAIL", failures_only=True)
@limits.per_ip("LOGIN_RATE_PER_IP", failures_only=True)
@audited_in_service("auth.login")
@documented(summary="Sign in with email and password; 2FA accounts get {mfa_required, mfa_token}",
            body=LoginIn, response=LoginOut, auth="none")
def login():
    """Exchange credentials for a token pair, or for the 2FA step."""
    data = json_body(LoginIn)
    user = users.authenticate(data.email, data.password)
    if user.two_factor_enabled:
        return {"mfa_required": True, "mfa_token": mfa.mfa_token_for(user)}
    return _signed_in(user)


@bp.post("/2fa/verify")
@limits.per_mfa_account("MFA_VERIFY_RATE_PER_ACCOUNT")
@limits.per_ip("MFA_VERIFY_RATE_PER_IP", failures_only=True)
@audited_in_service("auth.login")
@documented(summary="Finish a 2FA sign-in with a TOTP code or a recovery code", body=MfaVerifyIn,
            response=TokensOut, auth="none",
            errors={401: "`invalid_mfa_token`: forged or expired (5 minutes); `mfa_token_used`: it already "
                         "finished a sign-in (it works once); `invalid_mfa_code`: the code is wrong or was used"})
def verify_2fa():
    """The mfa_token from /auth/login plus one code; the token and each code work once."""
    data = json_body(MfaVerifyIn).root
    code, recovery_code = getattr(data, "code", None), getattr(data, "recovery_code", None)
    return _signed_in(mfa.complete_sign_in(data.mfa_token, code, recovery_code))


@bp.post("/refresh")
@limits.per_ip("TOKEN_RATE_PER_IP")
@audit_exempt("token rotation within an existing session; reuse revokes the family")
@documented(summary="Rotate a refresh token", body=RefreshIn, response=TokensOut, auth="none")
def refresh():
    """Spend a refresh token for a new pair; a spent token revokes its family."""
    data = json_body(RefreshIn)
    return dump(TokensOut, service.rotate(data.refresh_token))


@bp.post("/logout")
@audit_exempt("ends the caller's own session; nothing else changes")
@documented(summary="Sign out the session of a refresh token", body=RefreshIn, status=204, auth="none")
def logout():
    """Revoke the refresh token's family (and so its access tokens)."""
    data = json_body(RefreshIn)
    service.revoke(data.refresh_token)
    return "", 204


@bp.post("/password/forgot")
@limits.per_email("PASSWORD_RESET_RATE_PER_EMAIL")
@limits.per_ip("PASSWORD_RESET_RATE_PER_IP")
@audited_in_service("account.password_reset_requested")
@documented(summary="Mail a password reset link (202 whatever the email)", body=ForgotIn, status=202, auth="none")
def forgot_password():
    """Answers the same whether or not an account has this email."""
    service.request_password_reset(json_body(ForgotIn).email)
    return {"status": "accepted"}, 202


@bp.post("/password/reset")
@limits.per_ip("PASSWORD_RESET_RATE_PER_IP")
@audited_in_service("account.password_reset")
@documented(summary="Set a new password with a mailed link (signs out every session)", body=ResetIn,
            status=204, auth="none",
            errors={422: "`invalid_link_token`: the token is unknown, expired or already used; "
                         "`weak_password`: the password is too common or guessable (the reason is in the message)"})
def reset_password():
    """The link works once and for one hour."""
    data = json_body(ResetIn)
    service.reset_password(data.token, data.password)
    return "", 204


@bp.post("/verify-email")
@limits.per_ip("PASSWORD_RESET_RATE_PER_IP")
@audited_in_service("account.email_verified")
@documented(summary="Confirm an email address with the mailed link", body=TokenIn, status=204, auth="none",
            errors=_LINK_REFUSED)
def verify_email():
    """Marks the account's address verified."""
    service.verify_email(json_body(TokenIn).token)
    return "", 204


# --- Google / OpenID Connect ---------------------------------------------------------------

@bp.get("/oidc/providers")
@documented(summary="The sign-in providers configured on this server (for the sign-in buttons)",
            response=ProvidersOut, auth="none")
def oidc_providers():
    """Empty when no provider is configured: the dashboard then shows no button."""
    base = current_app.config["PUBLIC_URL"]
    return dump(ProvidersOut, {"providers": [
        {"id": key, "name": value["name"], "start_url": f"{base}/auth/oidc/{key}/start"}
        for key, value in oidc.providers().items()
    ]})


# The browser's redirects live outside the JSON API: they answer redirects, not documents.
browser_bp = Blueprint("oidc_browser", __name__, url_prefix="/auth/oidc")


@browser_bp.get("/<provider>/start")
@limits.per_ip("OIDC_CALLBACK_RATE_PER_IP")
def oidc_start(provider: str):
    """Redirect to the provider (authorization code + PKCE; state and nonce in the signed session cookie)."""
    return oidc.start(provider)


@browser_bp.get("/<provider>/callback")
@limits.per_ip("OIDC_CALLBACK_RATE_PER_IP")
def oidc_callback(provider: str):
    """The provider's redirect back; redirects to /oidc-complete#code=… (or #error=…)."""
    return oidc.callback(provider)


@bp.post("/oidc/exchange")
@limits.per_ip("OIDC_CALLBACK_RATE_PER_IP", failures_only=True)
@audited_in_service("auth.login")
@documented(summary="Exchange the one-time code of a provider sign-in for tokens (or the 2FA step)",
            body=ExchangeIn, response=LoginOut, auth="none", errors=_LINK_REFUSED)
def oidc_exchange():
    """The code works once, for two minutes."""
    user = oidc.exchange(json_body(ExchangeIn).code)
    if user.two_factor_enabled:
        return {"mfa_required": True, "mfa_token": mfa.mfa_token_for(user)}
    return _signed_in(user)
