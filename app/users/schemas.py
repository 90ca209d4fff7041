"""Request and response bodies of the users module."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator

from app.core.validation import OutSchema, Schema

# Passwords are kept exactly as typed (never trimmed); the policy (app/users/passwords.py) runs in the service.
Password = Annotated[str, StringConstraints(strip_whitespace=False)]
PASSWORD = Field(min_length=10, max_length=128)
NAME = Field(min_length=1, max_length=120)


def normalise_email(value: str) -> str:
    """Emails compare case-insensitively: keep them lower-case and trimmed."""
    return value.strip().lower()


class UserOut(OutSchema):
    id: int
    email: str
    name: str


class MeOut(UserOut):
    created_at: datetime
    email_verified: bool
    two_factor_enabled: bool


class MeUpdate(Schema):
    name: str | None = NAME


class PasswordChange(Schema):
    current_password: Password = Field(min_length=1, max_length=128)
    new_password: Password = PASSWORD


class EmailField(Schema):
    email: EmailStr = Field(max_length=254)

    @field_validator("email")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return normalise_email(value)
