"""TOTP two-factor sign-in: enrolment, codes accepted once, recovery codes, the project policy."""
from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, or_, select, update

from app import audit
from app.auth.models import OneTimeToken, RecoveryCode
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, Unauthorized
from app.core.security import digest, new_secret, verify_password
from app.extensions import db
from app.users.models import User

ISSUER = "Live Chat"
MFA_STEP = "mfa_sign_in"  # the purpose of the one_time_tokens row behind each mfa_token
RECOVERY_CODES = 10
MFA_TOKEN_SECONDS = 300
_MFA_SALT = "livechat-mfa-step"


# --- the short-lived, single-use token between password and code ----------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_MFA_SALT)


def mfa_token_for(user: User) -> str:
    """A 5-minute token that only POST /auth/2fa/verify accepts, once (it is not a JWT). Commits.

    Its signed payload names the account (the per-account limit reads it without the database)
    and a random step id. The step's row in `one_time_tokens` is spent by the first successful
    verify, so a replay is refused by every web process alike, in both modes.
    """
    now = utcnow()
    db.session.execute(delete(OneTimeToken).where(
        OneTimeToken.user_id == user.id, OneTimeToken.purpose == MFA_STEP, OneTimeToken.expires_at <= now))
    step_id = new_secret(nbytes=16)
    db.session.add(OneTimeToken(user_id=user.id, purpose=MFA_STEP, token_hash=digest(step_id),
                                expires_at=now + timedelta(seconds=MFA_TOKEN_SECONDS)))
    db.session.commit()
    return _serializer().dumps({"uid": user.id, "step": step_id})


def user_id_of(mfa_token: str, *, max_age: int | None = MFA_TOKEN_SECONDS) -> int | None:
    """The account an mfa_token was issued for, or None when it is forged or expired (not checked: spent)."""
    try:
        data = _serializer().loads(mfa_token, max_age=max_age)
    except BadSignature:
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


def _pending_step(mfa_token: str) -> OneTimeToken:
    """The stored sign-in step of an mfa_token; 401 when it is forged, expired or already used."""
    try:
        data = _serializer().loads(mfa_token, max_age=MFA_TOKEN_SECONDS)
    except BadSignature:
        data = None
    uid, step_id = (data.get("uid"), data.get("step")) if isinstance(data, dict) else (None, None)
    step = None
    if isinstance(uid, int) and isinstance(step_id, str):
        step = db.session.scalar(select(OneTimeToken).where(
            OneTimeToken.token_hash == digest(step_id), OneTimeToken.purpose == MFA_STEP, OneTimeToken.user_id == uid))
    if step is None or step.expires_at <= utcnow():
        raise Unauthorized("The sign-in step has expired; sign in again.", code="invalid_mfa_token")
    if step.used_at is not None:
        raise _step_used()
    return step


def _step_used() -> Unauthorized:
    return Unauthorized("This sign-in step was already completed; sign in again.", code="mfa_token_used")


# --- codes -------------------------------------------------------------------------------

def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def _accept_code(user: User, code: str) -> bool:
    """True when `code` is valid within ±1 step and newer than the last accepted one (stored)."""
    if not user.totp_secret:
        return False
    totp = _totp(user.totp_secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if not hmac.compare_digest(totp.at(step * totp.interval), code):
            continue
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        # Conditional update: of two concurrent uses of one code, exactly one wins.
        won = db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if won:
            user.totp_last_step = step
        return won
    return False


def _normalise_recovery(code: str) -> str:
    return code.replace("-", "").replace(" ", "").lower()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5) + secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:10]}-{raw[10:15]}-{raw[15:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=digest(_normalise_recovery(codes[-1]))))
    return codes


def _spend_recovery_code(user: User, code: str) -> bool:
    hashed = digest(_normalise_recovery(code))
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hashed, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return spent.rowcount == 1


def _require_code(user: User, code: str) -> None:
    if not _accept_code(user, code):
        db.session.commit()
        raise Unauthorized("The authentication code is wrong or was already used.", code="invalid_mfa_code")


# --- enrolment -----------------------------------------------------------------------------

def setup(user: User) -> dict:
    """Start enrolment: a new secret, its otpauth URI and a QR code (SVG). Commits."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor authentication is already on; disable it first.", code="mfa_already_enabled")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    db.session.commit()
    uri = _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return {"secret": user.totp_secret, "otpauth_uri": uri, "qr_svg": svg}


def enable(user: User, code: str) -> list[str]:
    """Turn 2FA on with a first valid code; answers the recovery codes (shown once). Commits."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor authentication is already on.", code="mfa_already_enabled")
    if not user.totp_secret:
        raise Conflict("Start with POST /me/2fa/setup.", code="mfa_setup_required")
    _require_code(user, code)
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    db.session.commit()
    audit.security_event(user.id, "account.2fa_enabled")
    return codes


def disable(user: User, password: str, code: str) -> None:
    """Turn 2FA off; needs the password and a current code. Commits."""
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is not on.", code="mfa_not_enabled")
    if not verify_password(user.password_hash, password):
        raise Unauthorized("The password is incorrect.", code="invalid_credentials")
    _require_code(user, code)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.commit()
    audit.security_event(user.id, "account.2fa_disabled")


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Replace every recovery code; needs a current code. Commits."""
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is not on.", code="mfa_not_enabled")
    _require_code(user, code)
    codes = _new_recovery_codes(user)
    db.session.commit()
    audit.security_event(user.id, "account.recovery_codes_regenerated")
    return codes


def complete_sign_in(mfa_token: str, code: str | None, recovery_code: str | None) -> User:
    """The account whose sign-in this code finishes, or 401. Commits the spent code with the spent step.

    A wrong code leaves the step usable (the per-account limit bounds the guesses); a right one
    spends both in one transaction, so of two concurrent verifies of one step exactly one wins.
    """
    step = _pending_step(mfa_token)
    user = db.session.get(User, step.user_id)
    if user is None or not user.is_active or not user.two_factor_enabled:
        raise Unauthorized("The sign-in step has expired; sign in again.", code="invalid_mfa_token")
    if code is not None:
        accepted = _accept_code(user, code)
    else:
        accepted = _spend_recovery_code(user, recovery_code)
    if not accepted:
        db.session.rollback()
        audit.security_event(user.id, "auth.2fa_failed", actor=("anonymous", None))
        raise Unauthorized("The authentication code is wrong or was already used.", code="invalid_mfa_code")
    spent = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == step.id, OneTimeToken.used_at.is_(None), OneTimeToken.expires_at > utcnow())
        .values(used_at=utcnow())
    ).rowcount == 1
    if not spent:
        db.session.rollback()  # the code stays unused: it signed nobody in
        raise _step_used()
    db.session.commit()
    if recovery_code is not None:
        audit.security_event(user.id, "auth.recovery_code_used")
    return user


# --- the project policy ------------------------------------------------------------------------

def projects_requiring_enrolment(user: User, project_ids: list[int]) -> set[int]:
    """Those of `project_ids` that require 2FA, which `user` (without 2FA) may not use."""
    from app.projects.models import Project

    if user.two_factor_enabled or not project_ids:
        return set()
    return set(db.session.scalars(select(Project.id).where(Project.id.in_(project_ids), Project.require_2fa.is_(True))))


def enforce_project_policy(user: User, project_id: int) -> None:
    """403 mfa_enrolment_required when the project requires 2FA and its member has none.

    Non-members pass here and get the usual 404 from the tenancy check.
    """
    from app.projects.models import ProjectMember

    if user.two_factor_enabled or not projects_requiring_enrolment(user, [project_id]):
        return
    is_member = db.session.scalar(select(ProjectMember.id).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user.id))
    if is_member:
        raise Forbidden("This project requires two-factor authentication: enable it on your profile first.",
                        code="mfa_enrolment_required")


def check_can_require(user: User) -> None:
    """A manager turns the policy on only with 2FA of their own, so nobody locks themselves out."""
    if not user.two_factor_enabled:
        raise Forbidden("Enable two-factor authentication on your own account first.",
                        code="mfa_enrolment_required")
