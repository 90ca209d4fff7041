"""A newcomer's first run on another port: `PORT=5077 make run` works end to end."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from app.cli import DEMO_EMAIL, DEMO_PASSWORD
from app.config import Settings
from tests.helpers import free_port, stop_processes, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    """5077 as in the issue when it is free here, any free port otherwise (what matters is: not 5000)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", 5077))
            return 5077
        except OSError:
            return free_port()


def _embedded_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL", "HOST", "PORT")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return env | {"LIVECHAT_INSTANCE": str(tmp_path / "instance")} | overrides


def _flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_public_url_defaults_to_the_listening_address(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECHAT_INSTANCE", str(tmp_path))
    assert Settings.from_env({"PORT": "5077"}).public_url == "http://127.0.0.1:5077"
    assert Settings.from_env({"HOST": "0.0.0.0", "PORT": "8080"}).public_url == "http://127.0.0.1:8080"
    assert Settings.from_env({}).public_url == "http://127.0.0.1:5000"
    assert Settings.from_env({"PORT": "5077", "PUBLIC_URL": "https://chat.example.com/"}).public_url == \
        "https://chat.example.com"


def test_serving_on_a_busy_port_says_so(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = _embedded_env(tmp_path, PORT=str(port))
        result = subprocess.run([sys.executable, "wsgi.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=60)
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "PORT=5077 make run" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_on_port_5077_opens_a_widget_session_and_a_message_reaches_the_project(tmp_path, new_page):
    pytest.importorskip("playwright")
    if not (ROOT / "widget" / "dist" / "loader.js").exists():
        pytest.skip("the widget is not built (make build)")
    # A first `make run` on the default port seeded the demo; then the newcomer moves to another port.
    _flask(_embedded_env(tmp_path), "db", "upgrade")
    _flask(_embedded_env(tmp_path), "seed-demo")
    port = _port()
    env = _embedded_env(tmp_path, PORT=str(port))
    printed = _flask(env, "seed-demo")
    base = f"http://127.0.0.1:{port}"
    assert f"Demo page: {base}/demo" in printed
    server = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=env)
    try:
        wait_until_ready(server, base)
        page = new_page()
        sessions = []
        page.on("response", lambda r: sessions.append(r.status) if r.url.endswith("/widget/session") else None)
        page.goto(f"{base}/demo")
        page.wait_for_function("window.LiveChat !== undefined")
        page.evaluate("LiveChat.open()")
        from tests.e2e.pages import send, widget_frame

        text = f"Hello from port {port} {uuid.uuid4().hex[:6]}"
        send(widget_frame(page), text)

        login = requests.post(f"{base}/api/v1/auth/login",
                              json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, timeout=10).json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        project = requests.get(f"{base}/api/v1/projects", headers=headers, timeout=10).json()["items"][0]
        from tests.e2e.pages import Agent

        _, texts = Agent(base, project, {"access_token": login["access_token"]}).wait_for_visitor_messages(1)
        assert texts == [text]
        assert sessions and all(status == 200 for status in sessions)
    finally:
        stop_processes([server])
