"""Where the suite finds PostgreSQL and Redis, and what it does when they are absent.

Locally a missing service skips the tests that need it, with the reason;
with LIVECHAT_REQUIRE_SERVICES=1 (set by .ci/run) it fails them instead.
"""
from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
REQUIRED = os.environ.get("LIVECHAT_REQUIRE_SERVICES") == "1"


def unavailable(reason: str):
    """Skip locally, fail in CI."""
    if REQUIRED:
        pytest.fail(f"{reason} (LIVECHAT_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def postgres_error() -> str | None:
    """None when PostgreSQL answers, else why not."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True).close()
        return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}".strip()


def redis_error() -> str | None:
    """None when Redis answers, else why not."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_timeout=3).ping()
        return None
    except RedisError as error:
        return f"Redis is not reachable at {REDIS_URL}: {error}"
