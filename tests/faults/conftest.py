"""Fixtures of the fault suite: private PostgreSQL and Redis servers, a production stack on them."""
from __future__ import annotations

import pytest

from tests.faults.stack import Postgres, RedisServer, Stack


@pytest.fixture(scope="module")
def servers():
    """This module's own PostgreSQL cluster and redis-server (the scenarios restart them)."""
    postgres = Postgres()
    try:
        redis = RedisServer()
    except BaseException:
        postgres.close()
        raise
    yield postgres, redis
    redis.close()
    postgres.close()


@pytest.fixture
def stack(servers, tmp_path, request):
    """A fresh database on the module's servers; web processes and workers are added by the test.

    The servers come back up after each test whatever it did to them; on failure the processes' logs print.
    """
    postgres, redis = servers
    if redis.process.poll() is not None:
        redis.start()
    stack = Stack(tmp_path, postgres=postgres, redis=redis)
    yield stack
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(stack.logs_text())
    stack.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
