"""Sign-in with Google or any OpenID Connect issuer (Authlib): authorization code + PKCE, state and nonce.

Linking rules (against account takeover):
- a known (provider, subject) signs in its user;
- otherwise the provider must say the email is verified, or the sign-in is refused;
- an account with that email whose address is verified gets the identity linked;
- an account with that email whose address was never verified was registered by someone who
  never proved the mailbox: the provider's user is its owner. The account is claimed, and
  everything the registrant could still use goes: the password, every session, 2FA and
  recovery codes, pending mailed links;
- no account: one is created (verified, without a password).
The dashboard gets the result through a one-time code in the URL fragment, exchanged for tokens.
"""
from __future__ import annotations

from datetime import timedelta

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect
from sqlalchemy import delete, select, update

from app import audit
from app.auth.models import OneTimeToken, RecoveryCode, UserIdentity
from app.core.db import utcnow
from app.core.errors import BadRequest, Conflict, NotFound
from app.core.security import digest, new_secret
from app.extensions import db
from app.users import service as users
from app.users.models import User
from app.users.schemas import normalise_email

GOOGLE_ISSUER = "https://accounts.google.com"
EXCHANGE = "oidc_exchange"
EXCHANGE_SECONDS = 120
_OAUTH = "livechat_oauth"


def init_app(app: Flask) -> None:
    """One Authlib registry per app; clients are made from the settings when used."""
    app.extensions[_OAUTH] = OAuth(app)


def providers() -> dict[str, dict]:
    """The configured providers: id → {name, issuer, client_id, client_secret}."""
    config = current_app.config
    found = {}
    if config.get("GOOGLE_CLIENT_ID") and config.get("GOOGLE_CLIENT_SECRET"):
        found["google"] = {"name": "Google", "issuer": GOOGLE_ISSUER, "client_id": config["GOOGLE_CLIENT_ID"],
                           "client_secret": config["GOOGLE_CLIENT_SECRET"]}
    if config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"):
        found["oidc"] = {"name": config.get("OIDC_NAME") or "Single sign-on", "issuer": config["OIDC_ISSUER"],
                         "client_id": config["OIDC_CLIENT_ID"], "client_secret": config.get("OIDC_CLIENT_SECRET", "")}
    return found


def _client(provider: str):
    settings = providers().get(provider[:32])
    if settings is None:
        raise NotFound("This sign-in provider is not configured.", code="provider_not_configured")
    oauth: OAuth = current_app.extensions[_OAUTH]
    oauth.register(
        provider,
        overwrite=True,
        client_id=settings["client_id"],
        client_secret=settings["client_secret"],
        server_metadata_url=f"{settings['issuer']}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return oauth.create_client(provider)


def _callback_url(provider: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}/auth/oidc/{provider}/callback"


def start(provider: str):
    """Redirect to the provider; state, nonce and the PKCE verifier wait in the signed session cookie."""
    return _client(provider).authorize_redirect(_callback_url(provider))


def _finish_redirect(**fragment: str):
    query = "&".join(f"{key}={value}" for key, value in fragment.items())
    return redirect(f"{current_app.config['PUBLIC_URL']}/oidc-complete#{query}", code=302)


def callback(provider: str):
    """Check the provider's answer, find or make the account, and hand the dashboard a one-time code."""
    client = _client(provider)
    try:
        token = client.authorize_access_token()
    except OAuthError as error:
        # Mismatching state, a bad code or verifier, or an id_token whose nonce/iss/aud/signature fail.
        return _finish_redirect(error="oidc_refused", reason=(error.error or "invalid")[:40])
    except Exception:
        return _finish_redirect(error="oidc_refused", reason="invalid_token")
    claims = token.get("userinfo") if "id_token" in token else None
    if not claims or not claims.get("sub"):
        return _finish_redirect(error="oidc_refused", reason="no_id_token")
    try:
        user = _user_for(provider, claims)
    except BadRequest as error:
        return _finish_redirect(error=error.code)
    code = new_secret(nbytes=32)
    db.session.add(OneTimeToken(user_id=user.id, purpose=EXCHANGE, token_hash=digest(code),
                                expires_at=utcnow() + timedelta(seconds=EXCHANGE_SECONDS)))
    db.session.commit()
    return _finish_redirect(code=code)


def _is_verified(claims: dict) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _user_for(provider: str, claims: dict) -> User:
    subject = str(claims["sub"])[:255]
    identity = db.session.scalar(select(UserIdentity).where(
        UserIdentity.provider == provider, UserIdentity.subject == subject))
    if identity is not None:
        user = users.get(identity.user_id)
        if user is None:
            raise BadRequest("This account is disabled.", code="account_disabled")
        return user
    email = normalise_email(str(claims.get("email") or ""))
    if not email or not _is_verified(claims):
        raise BadRequest("The provider did not confirm this email address.", code="oidc_email_unverified")
    user = users.find_by_email(email)
    if user is None:
        name = str(claims.get("name") or email.split("@")[0])[:120]
        user = User(email=email, name=name, password_hash=None, email_verified_at=utcnow())
        db.session.add(user)
        db.session.flush()
        audit.record("account.registered", user_id=user.id, target=("user", user.id), actor=("user", user.id),
                     changes={"provider": [None, provider]})
    elif not user.is_active:
        raise BadRequest("This account is disabled.", code="account_disabled")
    elif not user.email_verified:
        _claim_unverified_account(user, claims)
    db.session.add(UserIdentity(user_id=user.id, provider=provider, subject=subject, email=email))
    db.session.flush()
    audit.record("account.identity_linked", user_id=user.id, target=("user", user.id), actor=("user", user.id),
                 changes={"provider": [None, provider]})
    return user


def _claim_unverified_account(user: User, claims: dict) -> None:
    """The mailbox's owner takes over an address someone registered without proving it."""
    from app.auth.service import revoke_other_sessions

    user.password_hash = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.email_verified_at = utcnow()
    if claims.get("name"):
        user.name = str(claims["name"])[:120]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(update(OneTimeToken).where(OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))
                       .values(used_at=utcnow()))
    revoke_other_sessions(user, keep_family_id=None)
    audit.record("account.claimed_by_provider", user_id=user.id, target=("user", user.id), actor=("user", user.id))


def exchange(code: str) -> User:
    """The account a one-time callback code belongs to (spent now), or 400."""
    from app.auth.service import _spend_link_token

    return _spend_link_token(code, EXCHANGE)


def identities(user: User) -> list[UserIdentity]:
    """The provider accounts linked to `user`."""
    return list(db.session.scalars(select(UserIdentity).where(UserIdentity.user_id == user.id)
                                   .order_by(UserIdentity.id)))


def unlink(user: User, identity_id: int) -> None:
    """Remove a linked identity, unless it is the account's last way to sign in. Commits."""
    identity = db.session.scalar(select(UserIdentity).where(UserIdentity.id == identity_id,
                                                            UserIdentity.user_id == user.id))
    if identity is None:
        raise NotFound("No such identity.", code="identity_not_found")
    if user.password_hash is None and len(identities(user)) == 1:
        raise Conflict("This is your only way to sign in: set a password first (Forgot password).",
                       code="last_sign_in_method")
    provider = identity.provider
    db.session.delete(identity)
    db.session.commit()
    audit.security_event(user.id, "account.identity_unlinked", changes={"provider": [provider, None]})
