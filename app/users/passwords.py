"""The password policy: at least 10 characters, kept exactly as typed, and not guessable per zxcvbn."""
from __future__ import annotations

from zxcvbn import zxcvbn

from app.core.errors import Unprocessable

MIN_LENGTH = 10
MAX_LENGTH = 128
# zxcvbn scores 0-4; 3 means "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3


def check(password: str, *, field: str = "password", user_inputs: tuple[str, ...] = ()) -> None:
    """Raise 422 weak_password with the reason (and zxcvbn's suggestions) when `password` is refused."""
    try:
        password.encode()
    except UnicodeEncodeError:
        _refuse(field, "The password contains characters that cannot be stored (unpaired surrogates).", [])
    if len(password) < MIN_LENGTH:
        _refuse(field, f"The password must be at least {MIN_LENGTH} characters long.", [])
    if len(password) > MAX_LENGTH:
        _refuse(field, f"The password must be at most {MAX_LENGTH} characters long.", [])
    # zxcvbn refuses more than 72 characters (and its cost grows with length): judge the first 72.
    inputs = [part for value in user_inputs if value for part in (value, *value.replace("@", " ").split())]
    result = zxcvbn(password[:72], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        warning = feedback.get("warning") or "This password is too easy to guess."
        _refuse(field, f"The password is too weak: {warning}", list(feedback.get("suggestions") or []))


def _refuse(field: str, message: str, suggestions: list[str]) -> None:
    # 422: the body is well-formed (the schema checks length); the server refuses this password.
    raise Unprocessable(message, code="weak_password",
                           details={"fields": {field: [message]}, "suggestions": suggestions})
