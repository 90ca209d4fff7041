"""/api/v1/me: the signed-in user."""
from __future__ import annotations

from flask import Blueprint

from app.auth import service as auth
from app.auth.principal import current_family_id, current_user, user_required
from app.core.openapi import documented
from app.core.validation import dump, json_body
from app.extensions import db
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
@documented(summary="Update my profile", body=MeUpdate, response=MeOut)
def update_me():
    """Change my name."""
    data = json_body(MeUpdate)
    return dump(MeOut, service.update_profile(current_user(), name=data.name))


@bp.post("/password")
@user_required
@documented(summary="Change my password (signs out my other sessions)", body=PasswordChange, status=204)
def change_password():
    """Set a new password and revoke every other session of mine."""
    data = json_body(PasswordChange)
    user = current_user()
    service.set_password(user, data.current_password, data.new_password)
    auth.revoke_other_sessions(user, keep_family_id=current_family_id())
    db.session.commit()
    return "", 204
