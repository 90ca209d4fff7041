"""Request and response bodies of the auth module."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Discriminator, Field, RootModel, StringConstraints, Tag

from app.core.validation import OutSchema, Schema
from app.users.schemas import NAME, PASSWORD, EmailField, Password, UserOut


class RegisterIn(EmailField):
    password: Password = PASSWORD
    name: str = NAME


class LoginIn(EmailField):
    password: Password = Field(min_length=1, max_length=128)


class RefreshIn(Schema):
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokensOut(OutSchema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    user: UserOut


class MfaRequiredOut(OutSchema):
    """Sign-in of a 2FA account: finish with POST /auth/2fa/verify within 5 minutes (the token works once)."""

    mfa_required: bool = True
    mfa_token: str


class LoginOut(RootModel[TokensOut | MfaRequiredOut]):
    """Tokens, or the 2FA step."""


class MfaCodeVerifyIn(Schema):
    mfa_token: str = Field(min_length=1, max_length=1024)
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class MfaRecoveryVerifyIn(Schema):
    mfa_token: str = Field(min_length=1, max_length=1024)
    # The codes are hex in groups (see app/auth/mfa.py); inner dashes, spaces and case are ignored.
    # Kept as sent (no trimming), so that the pattern and the length mean what the document says.
    recovery_code: Annotated[str, StringConstraints(strip_whitespace=False)] = Field(
        min_length=10, max_length=32, pattern=r"^[0-9A-Fa-f-]([0-9A-Fa-f -]*[0-9A-Fa-f-])?$")


def _second_factor(body: object) -> str:
    return "with_recovery_code" if isinstance(body, dict) and "recovery_code" in body and "code" not in body \
        else "with_code"


class MfaVerifyIn(RootModel[Annotated[
    Annotated[MfaCodeVerifyIn, Tag("with_code")] | Annotated[MfaRecoveryVerifyIn, Tag("with_recovery_code")],
    Discriminator(_second_factor),
]]):
    """The mfa_token with exactly one of a TOTP code and a recovery code (oneOf in the document)."""


class TwoFactorSetupOut(OutSchema):
    secret: str
    otpauth_uri: str
    qr_svg: str


class CodeIn(Schema):
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class DisableIn(Schema):
    password: Password = Field(min_length=1, max_length=128)
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class RecoveryCodesOut(OutSchema):
    recovery_codes: list[str]


class ForgotIn(EmailField):
    pass


class ResetIn(Schema):
    token: str = Field(min_length=1, max_length=200)
    password: Password = PASSWORD


class TokenIn(Schema):
    token: str = Field(min_length=1, max_length=200)


class ProviderOut(OutSchema):
    id: str
    name: str
    start_url: str


class ProvidersOut(OutSchema):
    providers: list[ProviderOut]


class ExchangeIn(Schema):
    code: str = Field(min_length=1, max_length=200)


class IdentityOut(OutSchema):
    id: int
    provider: str
    email: str | None
    created_at: datetime


class IdentitiesOut(OutSchema):
    items: list[IdentityOut]
