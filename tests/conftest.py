"""Fixtures: the app in both runtime modes, an API client, factories and real servers.

Every test that uses `app` runs twice: embedded (SQLite, in-process jobs) and
production (PostgreSQL, Redis, RQ with a real `worker.py` process).
"""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from redis import Redis
from sqlalchemy import text

from tests import services
from tests.helpers import Api, SMTPSink, free_port, stop_processes, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-key-" + "x" * 32


def _worker_index(worker_id: str) -> int:
    return 0 if worker_id == "master" else int(worker_id.removeprefix("gw")) + 1


@pytest.fixture(scope="session")
def smtp_sink():
    """A real SMTP server on loopback that keeps what it receives."""
    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


def _environment(backend: str, tmp_path: Path, worker_id: str, smtp_port: int) -> dict[str, str]:
    index = _worker_index(worker_id)
    env = {
        "SECRET_KEY": TEST_SECRET,
        "LIVECHAT_INSTANCE": str(tmp_path / "instance"),
        "PUBLIC_URL": "http://127.0.0.1:5999",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        # Test servers sign up and in far more often than one person could; tests of the real limits
        # lift this in the test app's config.
        "AUTH_RATE_LIMIT": "10000 per minute",
        "DATABASE_URL": "",
        "REDIS_URL": "",
        # Outbound HTTP may reach the suite's loopback receivers (webhooks, screenshots).
        "OUTBOUND_ALLOWLIST": "127.0.0.1",
    }
    if backend == "postgres":
        error = services.postgres_error() or services.redis_error()
        if error:
            services.unavailable(error)
        name = f"livechat_test_{index}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = services.POSTGRES_URL.rsplit("/", 1)[0]
        redis_base = services.REDIS_URL.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{name}"
        env["REDIS_URL"] = f"{redis_base}/{8 + index}"
        env["LIVECHAT_TEST_DB"] = name
        Redis.from_url(env["REDIS_URL"]).flushdb()
    return env


def _drop_database(name: str) -> None:
    with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def app_env(request, tmp_path_factory, worker_id, smtp_sink):
    """The environment of one runtime mode: its own fresh database (and Redis db)."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    env = _environment(request.param, tmp_path, worker_id, smtp_sink.port)
    yield request.param, env
    if env.get("LIVECHAT_TEST_DB"):
        _drop_database(env["LIVECHAT_TEST_DB"])


@pytest.fixture(scope="session")
def app(app_env):
    """The application, migrated from empty to head."""
    from flask_migrate import upgrade

    from app import create_app

    backend, env = app_env
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        app = create_app({
            "TESTING": True,
            "PASSWORD_HASH_COST": "fast",
            "AUTH_RATE_LIMIT": "10000 per minute",
            "RATELIMIT_KEY_PREFIX": f"livechat-test-{uuid.uuid4().hex[:8]}",
        })
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    app.config["BACKEND"] = backend
    app.config["TEST_ENV"] = env
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def rq_worker(app):
    """Real `worker.py` processes in production mode (None in embedded mode): two, as deployed
    (docs/operations.md), so one slow job (a screenshot, a webhook call timing out) leaves the other
    serving the relay, rules and mail."""
    if app.config["BACKEND"] != "postgres":
        yield None
        return
    env = dict(os.environ) | app.config["TEST_ENV"]
    processes = [subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env) for _ in range(2)]
    yield processes
    stop_processes(processes)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from sqlalchemy.exc import OperationalError

    from app.extensions import db

    # Row deletes, not TRUNCATE: the live server and the relay worker may still be
    # touching rows, and TRUNCATE's exclusive table locks deadlock with them.
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        for attempt in range(5):
            try:
                with db.engine.begin() as conn:
                    for table in tables:
                        conn.execute(text(f"DELETE FROM {table}"))
                return
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2)


@pytest.fixture
def client(app):
    """Flask's test client: real requests through the whole WSGI stack."""
    return app.test_client()


@pytest.fixture
def api(client):
    """A JSON client for /api/v1 with bearer tokens."""
    return Api(client)


_counter = itertools.count(1)


@pytest.fixture
def make_user(api):
    """Register an account and return {email, password, access_token, refresh_token, user}."""

    def make(email: str | None = None, name: str = "Agent", password: str = "correct horse battery") -> dict:
        email = email or f"user{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"
        response = api.post("/auth/register", json={"email": email, "password": password, "name": name})
        assert response.status_code == 201, response.json
        return response.json | {"email": email, "password": password}

    return make


@pytest.fixture
def make_project(api, make_user):
    """Create a project; returns (project json, its manager)."""

    def make(manager: dict | None = None, name: str = "Acme", **fields) -> tuple[dict, dict]:
        manager = manager or make_user(name="Manager")
        response = api.post("/projects", json={"name": name, **fields}, token=manager["access_token"])
        assert response.status_code == 201, response.json
        return response.json, manager

    return make


@pytest.fixture
def add_member(api, make_user):
    """Add a user to a project with a role (through a real invitation); returns the user."""

    def add(project: dict, manager: dict, role: str = "AGENT", user: dict | None = None) -> dict:
        user = user or make_user(name=role.title())
        invited = api.post(
            f"/projects/{project['id']}/invitations",
            json={"email": user["email"], "role": role},
            token=manager["access_token"],
        )
        assert invited.status_code == 201, invited.json
        token = invited.json["accept_url"].rsplit("/", 1)[1]
        accepted = api.post(f"/invitations/{token}/accept", token=user["access_token"])
        assert accepted.status_code == 200, accepted.json
        return user

    return add


@pytest.fixture(scope="session")
def live_server(app, rq_worker):
    """A real `python wsgi.py` process (gevent) on a free port, sharing the `app` fixture's database.

    In production mode the session's `worker.py` runs beside it. Yields the base URL.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | app.config["TEST_ENV"] | {"HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url}
    process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env)
    wait_until_ready(process, base_url)
    yield base_url
    stop_processes([process])


# --- messaging (issue #3): visitors and conversations ------------------------------------

WIDGET_ORIGIN = "https://shop.example.com"


@pytest.fixture
def make_widget_project(make_project):
    """A project whose widget may run on https://shop.example.com; returns (project, manager)."""

    def make(**fields) -> tuple[dict, dict]:
        fields.setdefault("allowed_origins", [WIDGET_ORIGIN])
        return make_project(**fields)

    return make


@pytest.fixture
def make_visitor(api):
    """Start a widget session for a project (as the widget does); returns the session body."""

    def make(project: dict, origin: str = WIDGET_ORIGIN, **fields) -> dict:
        response = api.post("/widget/session", json={"project_key": project["public_key"], **fields},
                            headers={"Origin": origin, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) "
                                     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"})
        assert response.status_code == 200, response.json
        return response.json

    return make


@pytest.fixture
def make_conversation(app, make_visitor):
    """A conversation opened by a visitor's first message (stored through the inbox service);
    returns (conversation id, visitor session)."""

    def make(project: dict, content: str = "Hello, I need help", visitor: dict | None = None) -> tuple[int, dict]:
        from app.extensions import db
        from app.inbox import service as inbox
        from app.inbox.schemas import WidgetMessageCreate

        visitor = visitor or make_visitor(project)
        with app.app_context():
            message = inbox.send_visitor_message(visitor["visitor"]["id"], WidgetMessageCreate(
                content=content, client_msg_id=uuid.uuid4().hex))
            conversation_id = message["conversation_id"]
            db.session.remove()
        return conversation_id, visitor

    return make
