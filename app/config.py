"""Settings from the environment, validated once at start-up (12-factor).

The app reads the environment here only: `Settings.from_env()` (called by
create_app) parses and checks every variable, and the app sees the result as
app.config. The entry points (wsgi.py, gunicorn.conf.py) read only how the
process itself starts (HOST, PORT, worker counts).
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _instance_dir() -> Path:
    # From the process environment even when from_env() is handed a mapping: tests point it at a temporary folder.
    path = Path(os.environ.get("LIVECHAT_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _embedded_secret(instance: Path) -> str:
    """Embedded mode keeps a generated secret in instance/ so tokens survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def listen_url(env: Mapping[str, str]) -> str:
    """The address the server listens on (`HOST`:`PORT`), as a URL a browser on this machine can open.

    A wildcard bind (0.0.0.0, ::) is not an address anyone can type, so loopback stands in for it.
    """
    host = env.get("HOST", "").strip() or "127.0.0.1"
    port = env.get("PORT", "").strip() or "5000"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment; `as_flask_config()` feeds app.config."""

    database_url: str
    redis_url: str
    secret_key: str
    public_url: str
    smtp_url: str
    mail_from: str
    is_embedded: bool
    instance_path: str
    outbound_allowlist: tuple[str, ...] = ()
    tunables: Mapping[str, Any] = field(default_factory=dict)  # see _tunables

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check the environment (`os.environ` unless given); ConfigError says what is wrong."""
        env = dict(os.environ if env is None else env)
        instance = _instance_dir()
        database_url = normalise_database_url(env.get("DATABASE_URL", "").strip())
        redis_url = env.get("REDIS_URL", "").strip()
        is_embedded = not database_url and not redis_url
        if not database_url:
            database_url = f"sqlite:///{instance / 'livechat.db'}"
        secret_key = env.get("SECRET_KEY", "").strip()
        if not secret_key:
            if not is_embedded:
                raise ConfigError(
                    "SECRET_KEY is not set. Production mode (DATABASE_URL or REDIS_URL is set) "
                    "needs a long random SECRET_KEY, e.g. `export SECRET_KEY=$(python -c "
                    "'import secrets; print(secrets.token_urlsafe(48))')`."
                )
            secret_key = _embedded_secret(instance)
        if len(secret_key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long.")
        public_url = (env.get("PUBLIC_URL", "").strip() or listen_url(env)).rstrip("/")
        if urlsplit(public_url).scheme not in ("http", "https"):
            raise ConfigError("PUBLIC_URL must start with http:// or https://")
        return cls(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key,
            public_url=public_url,
            smtp_url=env.get("SMTP_URL", "").strip(),
            mail_from=env.get("MAIL_FROM", "Live Chat <no-reply@localhost>"),
            is_embedded=is_embedded,
            instance_path=str(instance),
            outbound_allowlist=_split_list(env.get("OUTBOUND_ALLOWLIST", "")),
            tunables=_tunables(env, database_url=database_url, instance=instance, is_embedded=is_embedded),
        )

    def as_flask_config(self) -> dict[str, Any]:
        """The Flask and extension settings derived from these values."""
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(self.database_url),
            "REDIS_URL": self.redis_url,
            "PUBLIC_URL": self.public_url,
            "SMTP_URL": self.smtp_url,
            "MAIL_FROM": self.mail_from,
            "IS_EMBEDDED": self.is_embedded,
            "JWT_SECRET_KEY": self.secret_key,
            "JWT_ALGORITHM": "HS256",
            "JWT_DECODE_ALGORITHMS": ["HS256"],
            "JWT_TOKEN_LOCATION": ["headers"],
            "JWT_ACCESS_TOKEN_EXPIRES": 15 * 60,
            "JWT_REFRESH_TOKEN_EXPIRES": 30 * 24 * 3600,
            "JWT_ERROR_MESSAGE_KEY": "message",
            "MAX_CONTENT_LENGTH": 1024 * 1024,
            "INVITATION_TTL_HOURS": 72,
            "PASSWORD_HASH_COST": "default",
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            # While Redis restarts, HTTP rate limits count in each process's memory instead of failing requests.
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_HEADERS_ENABLED": True,
            "PASSWORD_RESET_TTL_SECONDS": 3600,
            "MAIL_DIR": str(Path(self.instance_path) / "mail"),
            "EMAIL_VERIFY_TTL_SECONDS": 7 * 24 * 3600,
            # Integrations (issue #9): hosts or CIDRs outbound HTTP may reach although private.
            "OUTBOUND_ALLOWLIST": self.outbound_allowlist,
            **self.tunables,
        }


def _tunables(env: Mapping[str, str], *, database_url: str, instance: Path, is_embedded: bool) -> dict[str, Any]:
    """The app.config keys each environment variable of the same name may override, parsed and checked."""
    return {
        "SOCKETIO_CHANNEL": env.get("SOCKETIO_CHANNEL") or _socketio_channel(database_url),
        # Messaging core (issue #3).
        "REALTIME_FAST_PATH": _flag(env, "REALTIME_FAST_PATH", True),
        "RELAY_SWEEP_SECONDS": _float(env, "RELAY_SWEEP_SECONDS", 2),
        # With the fast path on, the relay leaves rows this young to it (no double emits).
        "RELAY_GRACE_SECONDS": _float(env, "RELAY_GRACE_SECONDS", 1),
        # A row whose emitting web process still lives is emitted by the relay only this late.
        "RELAY_EMITTER_GRACE_SECONDS": _float(env, "RELAY_EMITTER_GRACE_SECONDS", 30),
        "OUTBOX_RETENTION_DAYS": _int(env, "OUTBOX_RETENTION_DAYS", 7),
        # How often the inbox's periodic job reopens conversations whose snooze ended.
        "SNOOZE_WAKE_SECONDS": _float(env, "SNOOZE_WAKE_SECONDS", 5),
        # The group commit: writers (each a database connection), sends per transaction, and how many
        # may wait before sends are refused as overloaded; sends outside it (new conversations,
        # attachments) running at once.
        "SEND_WRITERS": _int(env, "SEND_WRITERS", 4),
        "SEND_BATCH_MAX": _int(env, "SEND_BATCH_MAX", 200),
        "SEND_QUEUE_MAX": _int(env, "SEND_QUEUE_MAX", 1000),
        "SEND_GENERAL_MAX": _int(env, "SEND_GENERAL_MAX", 8),
        "UPLOAD_SWEEP_SECONDS": _float(env, "UPLOAD_SWEEP_SECONDS", 600),
        "MESSAGE_MAX_CHARS": _int(env, "MESSAGE_MAX_CHARS", 5000),
        "WIDGET_VISITOR_MESSAGE_RATE": env.get("WIDGET_VISITOR_MESSAGE_RATE", "30/minute"),
        "WIDGET_PROJECT_MESSAGE_RATE": env.get("WIDGET_PROJECT_MESSAGE_RATE", "1200/minute"),
        "WIDGET_SESSION_RATE": env.get("WIDGET_SESSION_RATE", "120 per minute"),
        "WIDGET_UPLOAD_RATE": env.get("WIDGET_UPLOAD_RATE", "20 per minute"),
        # Fair shares of anonymous traffic (issue 14): one address or one visitor cannot use up a project.
        "WIDGET_IP_MESSAGE_RATE": env.get("WIDGET_IP_MESSAGE_RATE", "120/minute"),
        "WIDGET_NEW_VISITOR_RATE": env.get("WIDGET_NEW_VISITOR_RATE", "60/hour"),
        "WIDGET_NEW_CONVERSATION_RATE": env.get("WIDGET_NEW_CONVERSATION_RATE", "6/minute"),
        "WIDGET_VISITOR_UPLOAD_RATE": env.get("WIDGET_VISITOR_UPLOAD_RATE", "10/minute"),
        "ATTACHMENTS_DIR": env.get("ATTACHMENTS_DIR") or str(instance / "attachments"),
        "ATTACHMENT_MAX_BYTES": _int(env, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
        # Account security (issue #8): brute-force limits of the auth routes. AUTH_RATE_LIMIT, when set,
        # replaces all of them (test servers and load tests lift them with it); see app/auth/limits.py.
        "AUTH_RATE_LIMIT": env.get("AUTH_RATE_LIMIT", "").strip() or None,
        "LOGIN_RATE_PER_EMAIL": env.get("LOGIN_RATE_PER_EMAIL", "5 per 5 minutes"),
        "LOGIN_RATE_PER_IP": env.get("LOGIN_RATE_PER_IP", "20 per 5 minutes"),
        "REGISTER_RATE_PER_IP": env.get("REGISTER_RATE_PER_IP", "10 per hour"),
        "PASSWORD_RESET_RATE_PER_EMAIL": env.get("PASSWORD_RESET_RATE_PER_EMAIL", "3 per hour"),
        "PASSWORD_RESET_RATE_PER_IP": env.get("PASSWORD_RESET_RATE_PER_IP", "20 per hour"),
        "MFA_VERIFY_RATE_PER_ACCOUNT": env.get("MFA_VERIFY_RATE_PER_ACCOUNT", "5 per 5 minutes"),
        "MFA_VERIFY_RATE_PER_IP": env.get("MFA_VERIFY_RATE_PER_IP", "20 per 5 minutes"),
        "TOKEN_RATE_PER_IP": env.get("TOKEN_RATE_PER_IP", "60 per minute"),
        "OIDC_CALLBACK_RATE_PER_IP": env.get("OIDC_CALLBACK_RATE_PER_IP", "20 per 5 minutes"),
        # Sign-in with Google and/or any OpenID Connect issuer; a provider shows only when configured.
        "GOOGLE_CLIENT_ID": env.get("GOOGLE_CLIENT_ID", "").strip(),
        "GOOGLE_CLIENT_SECRET": env.get("GOOGLE_CLIENT_SECRET", "").strip(),
        "OIDC_ISSUER": env.get("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", "").strip(),
        "OIDC_NAME": env.get("OIDC_NAME", "").strip() or "Single sign-on",
        # Uploads not sent with a message within this many hours are swept (files and rows).
        "ATTACHMENT_UNATTACHED_HOURS": _float(env, "ATTACHMENT_UNATTACHED_HOURS", 24),
        "PRESENCE_TTL_SECONDS": _int(env, "PRESENCE_TTL_SECONDS", 90),
        # How often each web process re-checks its agent sockets' sessions (sign-outs close them).
        "SOCKET_AUDIT_SECONDS": _float(env, "SOCKET_AUDIT_SECONDS", 10),
        # Operations (issue #12): metrics access, proxies in front, log format.
        # Set by gunicorn.conf.py for its workers (prometheus_client reads it as well): /metrics then
        # adds up every worker's counters.
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR", ""),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", "").strip(),
        # How many proxies (nginx …) stand in front: their X-Forwarded-* headers are then trusted.
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        "LOG_FORMAT": env.get("LOG_FORMAT", "").strip().lower() or ("text" if is_embedded else "json"),
        "SCREENSHOT_BROWSER": env.get("SCREENSHOT_BROWSER", "/usr/bin/chromium"),
        "SCREENSHOT_TIMEOUT_SECONDS": _float(env, "SCREENSHOT_TIMEOUT_SECONDS", 15),
        "SCREENSHOT_MAX_BYTES": _int(env, "SCREENSHOT_MAX_BYTES", 5 * 1024 * 1024),
        "WEBHOOK_TIMEOUT_SECONDS": _float(env, "WEBHOOK_TIMEOUT_SECONDS", 10),
        # A delivery overdue this long lost its job (a killed worker); the sweep runs this often.
        "WEBHOOK_STUCK_SECONDS": _float(env, "WEBHOOK_STUCK_SECONDS", 60),
        "WEBHOOK_RESUME_SECONDS": _float(env, "WEBHOOK_RESUME_SECONDS", 30),
        # How often the automation rules' time-based triggers are looked at.
        "ACTIONS_TICK_SECONDS": _float(env, "ACTIONS_TICK_SECONDS", 30),
    }


def _socketio_channel(database_url: str) -> str:
    """Redis pub/sub ignores the database number, so name the channel after the deployment's database:
    two deployments (or test runs) sharing one Redis never hear each other's rooms."""
    parts = urlsplit(database_url)
    where = f"{parts.hostname}:{parts.port}{parts.path}"
    return "livechat-socketio-" + hashlib.sha256(where.encode()).hexdigest()[:12]


def _split_list(value: str) -> tuple[str, ...]:
    """A comma- or space-separated setting as a tuple of its non-empty parts."""
    return tuple(part for part in value.replace(",", " ").split() if part)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None:
        return float(default)
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}.") from None


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # One writer at a time; wait for the lock instead of failing at once.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
