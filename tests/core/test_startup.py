"""Starting the real processes: configuration is validated before anything serves."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(env_overrides: dict, tmp_path, script: str = "wsgi.py") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env |= {"LIVECHAT_INSTANCE": str(tmp_path), "PORT": "1"} | env_overrides
    return subprocess.run([sys.executable, script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_start_without_secret_key_stops_with_a_clear_message(tmp_path):
    result = _start({"DATABASE_URL": "postgresql://postgres@127.0.0.1/none"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_short_secret_key_is_refused(tmp_path):
    result = _start({"DATABASE_URL": "postgresql://postgres@127.0.0.1/none", "SECRET_KEY": "short"}, tmp_path)
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_embedded_mode_generates_and_keeps_its_secret(tmp_path):
    from app.config import Settings

    os.environ["LIVECHAT_INSTANCE"] = str(tmp_path)
    try:
        first = Settings.from_env({})
        second = Settings.from_env({})
    finally:
        del os.environ["LIVECHAT_INSTANCE"]
    assert first.is_embedded
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url.startswith("sqlite:///")


def test_worker_refuses_to_start_without_redis(tmp_path):
    result = _start({}, tmp_path, script="worker.py")
    assert result.returncode == 2
    assert "REDIS_URL" in result.stderr
