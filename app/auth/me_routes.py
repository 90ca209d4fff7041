"""/api/v1/me: the signed-in user, password, 2FA (in `auth`, not `users`: auth sits above users)."""
from __future__ import annotations

from flask import Blueprint

from app import audit
from app.audit import audit_exempt, auditable, audited_in_service
from app.auth import mfa, oidc
from app.auth import service as auth
from app.auth.principal import current_family_id, current_user, user_required
from app.auth.schemas import CodeIn, DisableIn, IdentitiesOut, RecoveryCodesOut, TwoFactorSetupOut
from app.core.errors import Conflict
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.users import service
from app.users.schemas import MeOut, MeUpdate, PasswordChange

bp = Blueprint("users", __name__, url_prefix="/api/v1/me")


@bp.get("")
@user_required
@documented(summary="The signed-in user", response=MeOut)
def me():
    """Who am I."""
    return dump(MeOut, current_user())


@bp.patch("")
@user_required
@auditable("account.profile_updated", target=None)
@documented(summary="Update my profile", body=MeUpdate, response=MeOut)
def update_me():
    """Change my name."""
    data = json_body(MeUpdate)
    return dump(MeOut, service.update_profile(current_user(), name=data.name))


@bp.post("/password")
@user_required
@audited_in_service("account.password_changed")
@documented(summary="Change my password (signs out my other sessions)", body=PasswordChange, status=204)
def change_password():
    """Set a new password and revoke every other session of mine."""
    data = json_body(PasswordChange)
    user = current_user()
    auth.change_password(user, data.current_password, data.new_password, keep_family_id=current_family_id())
    audit.security_event(user.id, "account.password_changed")
    return "", 204


@bp.post("/verify-email/resend")
@user_required
@audit_exempt("sends the verification mail again; the verification itself is recorded")
@documented(summary="Mail the email verification link again", status=202)
def resend_verification():
    """Only while the address is not verified."""
    user = current_user()
    if user.email_verified:
        raise Conflict("This email address is already verified.", code="email_already_verified")
    auth.send_verification(user)
    return {"status": "accepted"}, 202


@bp.post("/2fa/setup")
@user_required
@audit_exempt("starts enrolment only; 2FA is on after /2fa/enable, which is recorded")
@documented(summary="Start 2FA enrolment: a new secret, its otpauth URI and QR code", response=TwoFactorSetupOut)
def setup_2fa():
    """The secret counts only once enabled with a valid code."""
    return dump(TwoFactorSetupOut, mfa.setup(current_user()))


@bp.post("/2fa/enable")
@user_required
@audited_in_service("account.2fa_enabled")
@documented(summary="Turn 2FA on with a first code; answers 10 recovery codes (shown once)", body=CodeIn,
            response=RecoveryCodesOut)
def enable_2fa():
    """Recovery codes are stored hashed and work once each."""
    return dump(RecoveryCodesOut, {"recovery_codes": mfa.enable(current_user(), json_body(CodeIn).code)})


@bp.post("/2fa/disable")
@user_required
@audited_in_service("account.2fa_disabled")
@documented(summary="Turn 2FA off (password and a current code)", body=DisableIn, status=204)
def disable_2fa():
    """Recovery codes are deleted too."""
    data = json_body(DisableIn)
    mfa.disable(current_user(), data.password, data.code)
    return "", 204


@bp.post("/2fa/recovery-codes")
@user_required
@audited_in_service("account.recovery_codes_regenerated")
@documented(summary="Replace my recovery codes (needs a current code)", body=CodeIn, response=RecoveryCodesOut)
def regenerate_recovery_codes():
    """The old codes stop working."""
    codes = mfa.regenerate_recovery_codes(current_user(), json_body(CodeIn).code)
    return dump(RecoveryCodesOut, {"recovery_codes": codes})


@bp.get("/identities")
@user_required
@documented(summary="My linked sign-in providers", response=IdentitiesOut)
def list_identities():
    """Google or OIDC accounts that sign me in."""
    return dump(IdentitiesOut, {"items": oidc.identities(current_user())})


@bp.delete("/identities/<int:identity_id>")
@user_required
@audited_in_service("account.identity_unlinked")
@documented(summary="Unlink a sign-in provider (not my last way to sign in)", status=204)
def unlink_identity(identity_id: int):
    """Refused when it would leave no way to sign in."""
    oidc.unlink(current_user(), identity_id)
    return "", 204
