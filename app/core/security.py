"""Hashing helpers: argon2 for passwords, SHA-256 for high-entropy secrets."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_HASHERS = {
    "default": PasswordHasher(),
    # The test suite creates hundreds of accounts; argon2's full cost would dominate its runtime.
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_COST"]]


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the current cost, so an unknown account costs what a known one does."""
    cost = current_app.config["PASSWORD_HASH_COST"]
    if cost not in _DUMMY_HASHES:
        _DUMMY_HASHES[cost] = _HASHERS[cost].hash(secrets.token_hex(16))
    return _DUMMY_HASHES[cost]


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still costs one verification."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False



def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    """A random URL-safe secret, optionally prefixed (e.g. "whsec_")."""
    return prefix + secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 hex digest: enough for random secrets, which cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison of a presented secret with a stored digest."""
    return hmac.compare_digest(digest(secret), stored_digest)
