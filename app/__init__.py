"""The application factory."""
from __future__ import annotations

import logging
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
from app.config import Settings
from app.core import db as core_db
from app.core import errors, jobs, relay, routing
from app.core import models as _core_models  # noqa: F401
from app.core.safejson import SafeJSONProvider
from app.core.api import bp as api_bp
from app.core.health import bp as health_bp
from app.inbox import jobs as inbox_jobs
from app.inbox import models as _inbox_models  # noqa: F401
from app.inbox.routes import bp as inbox_bp
from app.projects import access as project_access
from app.projects import models as _projects_models  # noqa: F401
from app.presence import service as presence
from app.privacy.routes import bp as privacy_bp
from app.projects.routes import bp as projects_bp
from app.users import models as _users_models  # noqa: F401
from app.visitors import models as _visitors_models  # noqa: F401
from app.visitors.routes import bp as visitors_bp
from app.web import headers
from app.web.routes import bp as web_bp
from app.widget.routes import bp as widget_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (and `test_config` overrides)."""
    app = Flask(__name__, instance_path=None)
    settings = Settings.from_env()
    app.config.from_mapping(settings.as_flask_config())
    app.config.update(
        MIGRATIONS_DIR=ROOT / "migrations",
        # When set, replaces every auth limit (tests lift them with it); see app/auth/limits.py.
        AUTH_RATE_LIMIT=None,
        RATELIMIT_KEY_PREFIX="livechat",
    )
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

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
    _register_blueprints(app)
    presence.init_app(app)
    realtime.init_app(app)
    inbox_jobs.init_app(app)
    audit_jobs.init_app(app)
    actions.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for blueprint in (health_bp, api_bp, auth_bp, me_bp, projects_bp, web_bp, visitors_bp, widget_bp, inbox_bp,
                      audit_bp, privacy_bp, oidc_browser_bp, actions_bp):
        app.register_blueprint(blueprint)
