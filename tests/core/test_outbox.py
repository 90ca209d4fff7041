"""The outbox's durable subscribers: at least once per committed row, in a worker, never a rolled-back one.

Each mode gets its own database and a real process running the relay with
test-only subscribers (`tests/core/outbox_probe.py`): `wsgi.py` in embedded
mode, `worker.py` (RQ + the LISTEN/NOTIFY listener) in production. The session's
servers use another database, so nobody else dispatches these rows.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from redis import Redis

from tests import services
from tests.conftest import ROOT, TEST_SECRET, _worker_index
from tests.helpers import free_port, wait_until_ready

PROBE = ROOT / "tests" / "core" / "outbox_probe.py"


def _children(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


class Probe:
    """The probe process of one mode, and what its subscribers heard."""

    def __init__(self, backend: str, env: dict[str, str]) -> None:
        self.backend = backend
        self.env = env
        self.redis = Redis.from_url(services.REDIS_URL)
        self.key = env["PROBE_KEY"]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ) | self.env
        if self.backend == "sqlite":
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            env |= {"HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url}
            self.process = subprocess.Popen([sys.executable, str(PROBE), "web"], cwd=ROOT, env=env,
                                            start_new_session=True)
            wait_until_ready(self.process, base_url)
        else:
            self.process = subprocess.Popen([sys.executable, str(PROBE), "worker"], cwd=ROOT, env=env,
                                            start_new_session=True)

    def crash(self) -> None:
        """SIGKILL the process and its children (RQ's work horse, in a session of its own): nothing cleans up."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self._end(signal.SIGTERM)

    def _end(self, signum: int) -> None:
        children = _children(self.process.pid)
        os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in children:  # a work horse left hanging by a test
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def heard(self) -> list[dict]:
        return [json.loads(item) for item in self.redis.lrange(self.key, 0, -1)]

    def wait_for(self, predicate, timeout: float = 30) -> list[dict]:
        """Everything heard, once `predicate(heard)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            heard = self.heard()
            if predicate(heard):
                return heard
            if time.monotonic() > deadline:
                raise AssertionError(f"the subscribers did not hear it within {timeout}s; heard {heard!r}")
            time.sleep(0.1)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def probe(request, tmp_path_factory, worker_id):
    """(app of this test process, probe) on a database of their own; the probe runs the relay."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db, socketio

    backend = request.param
    index = _worker_index(worker_id)
    instance = tmp_path_factory.mktemp(f"outbox-{backend}")
    env = {"SECRET_KEY": TEST_SECRET, "LIVECHAT_INSTANCE": str(instance), "PUBLIC_URL": "http://127.0.0.1:5999",
           "DATABASE_URL": "", "REDIS_URL": "", "RELAY_SWEEP_SECONDS": "0.3",
           "PROBE_REDIS_URL": services.REDIS_URL, "PROBE_KEY": f"outbox-probe:{uuid.uuid4().hex}"}
    database = None
    if backend == "postgres":
        error = services.postgres_error() or services.redis_error()
        if error:
            services.unavailable(error)
        database = f"livechat_outbox_{index}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{services.POSTGRES_URL.rsplit('/', 1)[0]}/{database}"
        # Databases 8-11 belong to the session's apps (tests/conftest.py).
        env["REDIS_URL"] = f"{services.REDIS_URL.rsplit('/', 1)[0]}/{12 + index}"
        Redis.from_url(env["REDIS_URL"]).flushdb()
    saved_env = {key: os.environ.get(key) for key in env}
    saved_server = socketio.server  # create_app rebinds the process-wide Socket.IO server; give it back after
    os.environ.update(env)
    try:
        app = create_app({"TESTING": True, "PASSWORD_HASH_COST": "fast"})
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    probe = Probe(backend, env)
    probe.start()
    yield app, probe
    probe.stop()
    probe.redis.delete(probe.key)
    socketio.server = saved_server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if database:
        with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def project_id(probe):
    """A project of the probe's database."""
    from app.extensions import db
    from app.projects import service as projects
    from app.projects.schemas import ProjectCreate
    from app.users import service as users

    app, _ = probe
    with app.app_context():
        owner = users.create(f"owner-{uuid.uuid4().hex[:8]}@example.com", "Owner", "correct horse battery")
        db.session.commit()
        project = projects.create_project(owner, ProjectCreate(name="Outbox"))
        yield project.id
        db.session.remove()


def _publish(app, project_id: int, event_type: str, payload: dict, *, commit: bool = True) -> int:
    from app.core import outbox
    from app.extensions import db

    with app.app_context():
        event_id = outbox.publish(project_id, event_type, payload)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
        db.session.remove()
        return event_id


def _dispatched_at(app, event_id: int):
    from app.core.models import OutboxEvent
    from app.extensions import db

    with app.app_context():
        row = db.session.get(OutboxEvent, event_id)
        db.session.remove()
        return row.dispatched_at if row else None


def _ids(heard: list[dict], event_type: str) -> list[int]:
    return [item["id"] for item in heard if item["type"] == event_type]


def test_every_committed_event_reaches_a_subscriber_and_a_rolled_back_one_never(probe, project_id):
    app, listener = probe
    _publish(app, project_id, "probe.event", {"n": 0}, commit=False)
    committed = [_publish(app, project_id, "probe.event", {"n": n}) for n in range(1, 6)]

    heard = listener.wait_for(lambda heard: set(committed) <= set(_ids(heard, "probe.event")))
    # (SQLite may give a rolled-back row's id to the next one: tell them apart by payload.)
    assert sorted(item["payload"]["n"] for item in heard if item["type"] == "probe.event") == [1, 2, 3, 4, 5]
    assert all(item["project_id"] == project_id for item in heard if item["id"] in committed)
    assert all(_dispatched_at(app, event_id) is not None for event_id in committed)


def test_a_subscribers_writes_and_callbacks_wait_for_the_dispatchers_commit(probe, project_id):
    app, listener = probe
    event_id = _publish(app, project_id, "probe.event", {"echo": True})

    heard = listener.wait_for(lambda heard: _ids(heard, "probe.echo") and event_id in _ids(heard, "after-commit"))
    # The handler's on_commit callback (how jobs are queued) ran after the batch was committed, not at its savepoint.
    assert all(item["dispatched"] for item in heard if item["type"] == "after-commit")


def test_a_raising_subscriber_neither_stops_the_others_nor_keeps_its_writes(probe, project_id):
    app, listener = probe
    failing = _publish(app, project_id, "probe.event", {"fail": True})
    after = _publish(app, project_id, "probe.event", {"n": 1})

    # Retried on the next sweeps (the recorder hears each attempt), then given up and stamped.
    listener.wait_for(lambda heard: _ids(heard, "probe.event").count(failing) >= 2
                      and after in _ids(heard, "probe.event"))
    deadline = time.monotonic() + 30
    while _dispatched_at(app, failing) is None:
        assert time.monotonic() < deadline, "a failing row was retried forever"
        time.sleep(0.2)
    assert _ids(listener.heard(), "probe.event").count(failing) == 5
    assert _ids(listener.heard(), "probe.ghost") == []


def test_a_row_is_dispatched_again_after_a_crash_before_it_was_stamped(probe, project_id):
    app, listener = probe
    event_id = _publish(app, project_id, "probe.event", {"hang": True})
    listener.wait_for(lambda heard: event_id in _ids(heard, "started"))
    assert _dispatched_at(app, event_id) is None

    listener.crash()
    listener.start()

    heard = listener.wait_for(lambda heard: _ids(heard, "probe.event").count(event_id) >= 2)
    assert _ids(heard, "probe.event").count(event_id) == 2
    deadline = time.monotonic() + 30
    while _dispatched_at(app, event_id) is None:
        assert time.monotonic() < deadline
        time.sleep(0.2)
