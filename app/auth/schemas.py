"""Request and response bodies of the auth module."""
from __future__ import annotations

from pydantic import Field

from app.core.validation import OutSchema, Schema
from app.users.schemas import NAME, PASSWORD, EmailField, UserOut


class RegisterIn(EmailField):
    password: str = PASSWORD
    name: str = NAME


class LoginIn(EmailField):
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(Schema):
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokensOut(OutSchema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    user: UserOut
