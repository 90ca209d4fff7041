"""Real processes for the deployment and fault tests: PostgreSQL, Redis, gunicorn, worker.py, nginx.

Each test owns its servers (its own PostgreSQL cluster in a temp dir, its own
redis-server, its own ports), so it may kill and restart them without
touching the machine's shared ones. Everything started here is bounded in
time and stopped by `Stack.close()`.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import requests

from tests import services
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("LIVECHAT_PG_BIN") or next(
    iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)),
    Path("/usr/lib/postgresql/15/bin")))
ORIGIN = "https://faults.example.com"
SECRET = "fault-suite-secret-" + "x" * 40


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s")


def require(binary: str, hint: str) -> str:
    """The binary's path, or skip (locally) / fail (CI) saying how to install it."""
    path = shutil.which(binary) or next(
        (str(folder / binary) for folder in (PG_BIN, Path("/usr/sbin")) if (folder / binary).exists()), None)
    if path is None:
        services.unavailable(f"{binary} is not installed ({hint})")
    return path


class Postgres:
    """A private PostgreSQL cluster (initdb in a temp dir, a free port), restartable at will."""

    def __init__(self) -> None:
        require("initdb", "apt-get install postgresql")
        self.dir = Path(tempfile.mkdtemp(prefix="livechat-faults-pg-"))
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            # initdb refuses root: the cluster belongs to the postgres account.
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._run([str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
                   "--no-sync", "-E", "UTF8"])
        self.start()

    def _run(self, command: list[str], timeout: float = 60) -> None:
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options, "-l",
                   str(self.dir / "log"), "-w", "-t", "30", "start"])

    def stop(self) -> None:
        """A fast shutdown: sessions are cut off as in a crash or a restart for an upgrade."""
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "-t", "30", "stop"])

    def create_database(self) -> str:
        name = f"livechat_faults_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        try:
            self.stop()
        except Exception:  # noqa: BLE001 - already stopped
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """A private redis-server (no persistence, like a restart that loses everything)."""

    def __init__(self) -> None:
        self.binary = require("redis-server", "apt-get install redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from redis import Redis

        def answers() -> bool:
            try:
                return Redis.from_url(self.url, socket_timeout=1).ping()
            except Exception:  # noqa: BLE001
                return False

        _wait(answers, 15, "redis-server answers")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def close(self) -> None:
        self.stop()


class Process:
    """A child process with its output in a log file, stopped for sure at the end."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.is_running():
            os.kill(self.process.pid, signum)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def stop(self, timeout: float = 25) -> None:
        if self.is_running():
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.is_running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")


class Web(Process):
    """gunicorn with gunicorn.conf.py (gevent-websocket worker) on its own port."""

    def __init__(self, name: str, env: dict, log_dir: Path, port: int | None = None,
                 config: str = "gunicorn.conf.py") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(name, [sys.executable, "-m", "gunicorn", "-c", config, "-b",
                                f"127.0.0.1:{self.port}", "wsgi:app"], env, log_dir)

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            assert self.is_running(), f"{self.name} exited:\n{self.output()[-3000:]}"
            try:
                return requests.get(f"{self.url}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        _wait(ready, timeout, f"{self.name} ready")

    def statuses(self) -> list[int]:
        """The HTTP statuses this process answered, from its JSON access log."""
        found = []
        for line in self.output().splitlines():
            if line.startswith("{") and '"request"' in line:
                found.append(json.loads(line).get("status"))
        return found

    def worker_pids(self) -> list[int]:
        """gunicorn's worker processes (children of the master)."""
        found = subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in found.split()]


class Nginx(Process):
    """Debian's nginx running deploy/nginx.conf as it is, on loopback in front of the given web processes."""

    def __init__(self, webs: list[Web], log_dir: Path, port: int | None = None) -> None:
        binary = require("nginx", "apt-get install nginx-light")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="livechat-nginx-", dir=log_dir))
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        upstreams = ["127.0.0.1:8001", "127.0.0.1:8002"]
        assert len(webs) == len(upstreams)
        for upstream, web in zip(upstreams, webs):
            site = site.replace(f"server {upstream} ", f"server 127.0.0.1:{web.port} ")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};").replace("listen [::]:80;", "")
        site = site.replace("/srv/livechat/", f"{ROOT}/")
        (self.dir / "livechat.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""
        (self.dir / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.dir}/access.log;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    include {self.dir}/livechat.conf;
}}
""")
        super().__init__("nginx", [binary, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)],
                         dict(os.environ), log_dir)

        def answers() -> bool:
            assert self.is_running(), (self.dir / "error.log").read_text() if (self.dir / "error.log").exists() else ""
            try:
                return requests.get(f"{self.url}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        _wait(answers, 30, "nginx answers")


class Stack:
    """A production-mode deployment on private servers: N web processes, M workers."""

    def __init__(self, tmp: Path, *, postgres: Postgres | None = None, redis: RedisServer | None = None,
                 extra_env: dict | None = None) -> None:
        self.tmp = tmp
        self.logs = tmp / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.owns_servers = postgres is None
        self.postgres = postgres or Postgres()
        self.redis = redis or RedisServer()
        self.database_url = self.postgres.create_database()
        self.webs: list[Web] = []
        self.workers: list[Process] = []
        self.loads: list[Process] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PROMETHEUS"))} | {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": SECRET,
            "PUBLIC_URL": "http://127.0.0.1:5999",
            "LIVECHAT_INSTANCE": str(tmp / "instance"),
            "WIDGET_VISITOR_MESSAGE_RATE": "100000/minute",
            "WIDGET_PROJECT_MESSAGE_RATE": "1000000/minute",
            # Every client of the load comes from 127.0.0.1: the per-address shares would throttle the load itself.
            "WIDGET_IP_MESSAGE_RATE": "1000000/minute",
            "WIDGET_NEW_VISITOR_RATE": "100000/minute",
            "WIDGET_SESSION_RATE": "100000 per minute",
            "RELAY_SWEEP_SECONDS": "1",
            "LOG_FORMAT": "json",
        } | (extra_env or {})
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                       check=True, capture_output=True, timeout=120)

    def add_web(self, name: str | None = None, port: int | None = None, config: str = "gunicorn.conf.py",
                **env: str) -> Web:
        web = Web(name or f"web{len(self.webs) + 1}", self.env | env, self.logs, port, config)
        self.webs.append(web)
        return web

    def add_worker(self, command: list[str] | None = None, **env: str) -> Process:
        worker = Process(f"worker{len(self.workers) + 1}", [sys.executable, *(command or ["worker.py"])],
                         self.env | env, self.logs)
        self.workers.append(worker)
        return worker

    def project(self, url: str, origins: list[str] | None = None) -> dict:
        """A manager and a project whose widget may run on ORIGIN: {project, token, manager}."""
        email = f"manager-{uuid.uuid4().hex[:8]}@faults.example.com"
        manager = requests.post(f"{url}/api/v1/auth/register", json={"email": email, "password": "fault password 1",
                                                                     "name": "Manager"}, timeout=30).json()
        headers = {"Authorization": f"Bearer {manager['access_token']}"}
        project = requests.post(f"{url}/api/v1/projects",
                                json={"name": "Faults", "allowed_origins": origins or [ORIGIN]},
                                headers=headers, timeout=30).json()
        return {"project": project, "token": manager["access_token"],
                "manager": manager | {"email": email, "password": "fault password 1"}}

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=10) as conn:
            return conn.execute(query, params).fetchall()

    def logs_text(self) -> str:
        return "\n".join(f"===== {p.name}\n{p.output()[-4000:]}" for p in [*self.webs, *self.workers])

    def close(self) -> None:
        for process in [*self.loads, *self.webs, *self.workers]:
            process.stop(timeout=5)
        if self.owns_servers:
            self.redis.close()
            self.postgres.close()


class Load:
    """The driver (tests/faults/driver.py) in its own process: start, wait until its visitors are in, stop."""

    def __init__(self, stack: Stack, urls: list[str], project: dict, agent_tokens: list[str], *, visitors: int,
                 rate: float, senders: int | None = None, max_seconds: float = 120,
                 agent_urls: list[str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="livechat-load-", dir=stack.tmp))
        self.config = {
            "urls": urls, "agent_urls": agent_urls or urls, "project_key": project["public_key"], "origin": ORIGIN,
            "agent_tokens": agent_tokens,
            "visitors": visitors, "rate": rate, "senders": senders or visitors, "max_seconds": max_seconds,
            "stop_file": str(self.dir / "stop"), "ready_file": str(self.dir / "ready"),
        }
        (self.dir / "config.json").write_text(json.dumps(self.config))
        self.result_path = self.dir / "result.json"
        self.process = Process(f"load-{uuid.uuid4().hex[:4]}", [sys.executable, "-m", "tests.faults.driver",
                                                                 str(self.dir / "config.json"), str(self.result_path)],
                               dict(os.environ), stack.logs)
        stack.loads.append(self.process)

    def wait_ready(self, timeout: float = 180) -> None:
        def ready() -> bool:
            assert self.process.is_running() or os.path.exists(self.config["ready_file"]), \
                f"the load driver exited:\n{self.process.output()[-3000:]}"
            return os.path.exists(self.config["ready_file"])

        _wait(ready, timeout, "the load's visitors connected and opened their conversations")

    def finish(self, timeout: float = 240) -> dict:
        """Stop sending, let every client retry and resume; returns the driver's result."""
        open(self.config["stop_file"], "w").close()
        try:
            self.process.wait(timeout)
        finally:
            self.process.stop(timeout=5)
        assert self.result_path.exists(), f"the load driver wrote no result:\n{self.process.output()[-3000:]}"
        return json.loads(self.result_path.read_text())
