"""Killing the process that is delivering a webhook loses no event: the next process sends it again.

Each mode gets a database of its own and a real process that runs the relay and
the delivery jobs: `worker.py` (RQ, with a Redis server of its own) in
production, `wsgi.py` (in-process jobs) when embedded. The receiver holds the
first delivery open, the test SIGKILLs the process mid-delivery, starts a new
one, and the periodic sweep of lost jobs delivers the same `webhook-id` again.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from tests import services
from tests.conftest import ROOT, TEST_SECRET
from tests.core.test_outbox import _children
from tests.helpers import free_port, wait_until_ready
from tests.webhooks.conftest import Receiver


class HangingReceiver(Receiver):
    """Holds the first request open until `release()`, then answers 200 to everything."""

    def __init__(self) -> None:
        self.released = threading.Event()
        super().__init__()
        original = self.server.RequestHandlerClass.do_POST
        receiver = self

        def do_post(handler):
            if not receiver.requests:  # the first one: note it, then hang
                body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append({"headers": {k.lower(): v for k, v in handler.headers.items()},
                                              "body": body.decode(), "path": handler.path})
                receiver.released.wait(60)
                return
            original(handler)

        self.server.RequestHandlerClass.do_POST = do_post

    def close(self) -> None:
        self.released.set()
        super().close()


class Server:
    """The process under test (worker.py or wsgi.py), killable mid-delivery."""

    def __init__(self, backend: str, env: dict[str, str]) -> None:
        self.backend, self.env, self.process = backend, env, None

    def start(self) -> None:
        env = dict(os.environ) | self.env
        if self.backend == "sqlite":
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            env |= {"HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url}
            self.process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                            start_new_session=True)
            wait_until_ready(self.process, base_url)
        else:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env,
                                            start_new_session=True)

    def kill(self, signum=signal.SIGKILL) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        children = _children(self.process.pid)
        os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in children:  # RQ's work horse
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture(params=["sqlite", "postgres"])
def crashable(request, tmp_path):
    """(app of this test process, server) on a database (and Redis) of their own."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db, socketio

    backend = request.param
    env = {"SECRET_KEY": TEST_SECRET, "LIVECHAT_INSTANCE": str(tmp_path / "instance"),
           "PUBLIC_URL": "http://127.0.0.1:5999", "DATABASE_URL": "", "REDIS_URL": "", "SMTP_URL": "",
           "RELAY_SWEEP_SECONDS": "0.3", "OUTBOUND_ALLOWLIST": "127.0.0.1",
           "WEBHOOK_STUCK_SECONDS": "1", "WEBHOOK_RESUME_SECONDS": "0.5"}
    database, redis_process = None, None
    if backend == "postgres":
        error = services.postgres_error()
        if error:
            services.unavailable(error)
        if shutil.which("redis-server") is None:
            services.unavailable("redis-server is not installed")
        database = f"livechat_crash_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        redis_port = free_port()
        redis_process = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                          "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        env["DATABASE_URL"] = f"{services.POSTGRES_URL.rsplit('/', 1)[0]}/{database}"
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        _wait_for_redis(env["REDIS_URL"])
    saved_env = {key: os.environ.get(key) for key in env}
    saved_server = socketio.server
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
    server = Server(backend, env)
    yield app, server
    server.kill(signal.SIGTERM)
    socketio.server = saved_server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if redis_process:
        redis_process.terminate()
        redis_process.wait(timeout=10)
    if database:
        with psycopg.connect(services.POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _wait_for_redis(url: str) -> None:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    deadline = time.monotonic() + 10
    while True:
        try:
            Redis.from_url(url).ping()
            return
        except RedisConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_killing_the_process_mid_delivery_loses_no_event(crashable):
    from app.core import outbox
    from app.extensions import db
    from app.projects import service as projects
    from app.projects.schemas import ProjectCreate
    from app.users import service as users
    from app.webhooks import service as webhooks
    from app.webhooks.models import WebhookDelivery
    from app.webhooks.schemas import WebhookCreate

    app, server = crashable
    receiver = HangingReceiver()
    try:
        with app.app_context():
            owner = users.create(f"owner-{uuid.uuid4().hex[:8]}@example.com", "Owner", "correct horse battery")
            db.session.commit()
            project = projects.create_project(owner, ProjectCreate(name="Crash"))
            hook = webhooks.create_webhook(project, WebhookCreate(url=receiver.url, events=["message.created"]))
            secret = hook.secret
            outbox.publish(project.id, "message.created", {"message": {"id": 1, "conversation_id": 1, "seq": 1,
                                                                       "content": "survive", "private": False}})
            db.session.commit()
            db.session.remove()
        server.start()
        [first] = receiver.wait_for(1)  # the delivery is in flight, held open by the receiver
        server.kill()  # SIGKILL mid-delivery: no cleanup, no answer recorded
        receiver.released.set()
        server.start()
        second = receiver.wait_for(2, timeout=60)[1]
        assert second["headers"]["webhook-id"] == first["headers"]["webhook-id"]
        assert StandardWebhook(secret).verify(second["body"], second["headers"])["data"]["message"]["content"] == "survive"
        deadline = time.monotonic() + 30
        with app.app_context():
            while True:
                [delivery] = db.session.query(WebhookDelivery).all()
                if delivery.status == "succeeded" or time.monotonic() > deadline:
                    break
                db.session.remove()
                time.sleep(0.2)
            assert delivery.status == "succeeded"
            db.session.remove()
    finally:
        receiver.close()
