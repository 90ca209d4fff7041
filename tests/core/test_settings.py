"""Settings: the environment is read and checked in one place, app/config.py."""
import ast
from pathlib import Path

import pytest

from app.config import ConfigError, Settings

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture(autouse=True)
def _instance(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECHAT_INSTANCE", str(tmp_path))


def test_tunables_come_from_the_environment_given():
    assert Settings.from_env({"MESSAGE_MAX_CHARS": "42"}).as_flask_config()["MESSAGE_MAX_CHARS"] == 42
    assert Settings.from_env({}).as_flask_config()["MESSAGE_MAX_CHARS"] == 5000
    assert Settings.from_env({"RELAY_GRACE_SECONDS": "0.5"}).as_flask_config()["RELAY_GRACE_SECONDS"] == 0.5


@pytest.mark.parametrize("name, value", [("SEND_WRITERS", "four"), ("RELAY_SWEEP_SECONDS", ""),
                                         ("TRUSTED_PROXY_COUNT", "1.5")])
def test_a_malformed_number_stops_start_up_naming_the_setting(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def _reads_environment(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and any(alias.name in ("environ", "getenv", "environb") for alias in node.names):
            lines.append(node.lineno)
    return lines


def test_only_the_settings_read_the_environment():
    found = [
        f"{path.relative_to(APP.parent)}:{line}"
        for path in sorted(APP.rglob("*.py"))
        if path != APP / "config.py"
        for line in _reads_environment(ast.parse(path.read_text(), str(path)))
    ]
    assert found == [], "read settings from app.config (Settings.from_env), not os.environ"
