"""The application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from app import actions, cli, extensions, realtime
from app.actions import models as _actions_models  # noqa: F401
from app.actions.routes import bp as actions_bp
from app.audit import jobs as audit_jobs
from app.audit import models as _audit_models  # noqa: F401  (every model module, so metadata and Alembic see all tables)
from app.audit.routes import bp as audit_bp
from app.auth import models as _auth_models  # noqa: F401
from app.auth import principal
from app.auth.me_routes import bp as me_bp
from app.auth.routes import bp as auth_bp
from app.auth.routes import browser_bp as oidc_browser_bp
from app.canned import models as _canned_models  # noqa: F401
from app.canned.routes import bp as canned_bp
from app.config import Settings
from app.core import db as core_db
from app.core import errors, jobs, lifecycle, logs, metrics, relay, routing
from app.core import models as _core_models  # noqa: F401
from app.core.api import bp as api_bp
from app.core.health import bp as health_bp
from app.core.safejson import SafeJSONProvider
from app.inbox import jobs as inbox_jobs
from app.inbox import messages as inbox_messages
from app.inbox import models as _inbox_models  # noqa: F401
from app.inbox.routes import bp as inbox_bp
from app.notes import models as _notes_models  # noqa: F401
from app.notes.routes import bp as notes_bp
from app.presence import service as presence
from app.privacy.routes import bp as privacy_bp
from app.projects import access as project_access
from app.projects import models as _projects_models  # noqa: F401
from app.projects.routes import bp as projects_bp
from app.screenshots import models as _screenshots_models  # noqa: F401
from app.screenshots.routes import bp as screenshots_bp
from app.transcripts import jobs as transcript_jobs
from app.transcripts import models as _transcripts_models  # noqa: F401
from app.transcripts.routes import bp as transcripts_bp
from app.users import models as _users_models  # noqa: F401
from app.visitors import models as _visitors_models  # noqa: F401
from app.visitors.routes import bp as visitors_bp
from app.web import headers
from app.web.routes import bp as web_bp
from app.webhooks import jobs as webhook_jobs
from app.webhooks import models as _webhooks_models  # noqa: F401
from app.webhooks.routes import bp as webhooks_bp
from app.widget.routes import bp as widget_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (and `test_config` overrides)."""
    app = Flask(__name__, instance_path=None)
    settings = Settings.from_env()
    app.config.from_mapping(settings.as_flask_config())
    app.config.update(
        MIGRATIONS_DIR=ROOT / "migrations",
        RATELIMIT_KEY_PREFIX="livechat",
    )
    if test_config:
        app.config.update(test_config)
    logs.init_app(app)
    app.json = SafeJSONProvider(app)
    routing.init_app(app)
    core_db.init_app(app)
    errors.init_app(app)
    principal.init_app(app)
    project_access.init_app(app)
    extensions.limiter.init_app(app)
    headers.init_app(app)
    jobs.init_app(app)
    relay.init_app(app)
    cli.init_app(app)
    metrics.init_app(app)
    _register_blueprints(app)
    presence.init_app(app)
    realtime.init_app(app)
    inbox_jobs.init_app(app)
    inbox_messages.init_app(app)
    audit_jobs.init_app(app)
    webhook_jobs.init_app(app)
    transcript_jobs.init_app(app)
    lifecycle.init_app(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        # Behind nginx: client addresses (rate limits, audit, /metrics' loopback rule) come from X-Forwarded-*.
        from werkzeug.middleware.proxy_fix import ProxyFix  # only behind a proxy

        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    actions.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for blueprint in (health_bp, api_bp, auth_bp, me_bp, projects_bp, web_bp, visitors_bp, widget_bp, inbox_bp,
                      audit_bp, privacy_bp, oidc_browser_bp, actions_bp):
        app.register_blueprint(blueprint)
    # Integrations and agent tools (issue #9).
    for blueprint in (canned_bp, notes_bp, webhooks_bp, screenshots_bp, transcripts_bp):
        app.register_blueprint(blueprint)
