"""Static front ends: `/` (dashboard), `/widget/*` (embeddable widget), `/demo`."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory
from werkzeug.exceptions import NotFound as HTTPNotFound

from app.cli import demo_project
from app.core.errors import NotFound
from app.projects import service as projects

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD_DIST = ROOT / "frontend" / "dist"
WIDGET_DIST = ROOT / "widget" / "dist"
LONG_CACHE = 365 * 24 * 3600
SHORT_CACHE = 300

bp = Blueprint("web", __name__, template_folder="templates")


def _not_built(what: str, command: str = "make build"):
    body = render_template("not_built.html", what=what, command=command)
    return body, 503, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _send(directory: Path, filename: str, max_age: int, immutable: bool = False):
    try:
        response = send_from_directory(directory, filename, max_age=max_age)
    except HTTPNotFound:
        raise NotFound("No such file.") from None
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
    return response


# --- dashboard ----------------------------------------------------------------

@bp.get("/")
@bp.get("/<page:path>")
def dashboard(path: str = ""):
    """The dashboard SPA: every client-side route answers index.html (never an API path: see `page`)."""
    if not (DASHBOARD_DIST / "index.html").exists():
        return _not_built("The agent dashboard")
    return _send(DASHBOARD_DIST, "index.html", max_age=0)


@bp.get("/assets/<path:filename>")
def dashboard_asset(filename: str):
    """Content-hashed dashboard assets, cached for a year."""
    return _send(DASHBOARD_DIST / "assets", filename, LONG_CACHE, immutable=True)


# --- widget -------------------------------------------------------------------

@bp.get("/widget/loader.js")
def widget_loader():
    """The embed script; short-cached so sites pick up new releases quickly."""
    if not (WIDGET_DIST / "loader.js").exists():
        body = "console.error('LiveChat: the widget is not built on this server (run make build).');"
        return body, 503, {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store"}
    response = _send(WIDGET_DIST, "loader.js", SHORT_CACHE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/widget/assets/<path:filename>")
def widget_asset(filename: str):
    """Content-hashed widget assets, cached for a year."""
    response = _send(WIDGET_DIST / "assets", filename, LONG_CACHE, immutable=True)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/widget/frame")
def widget_frame():
    """The chat iframe; only the project's allowed origins may frame it."""
    project = projects.find_by_public_key(request.args.get("project_key", "")[:100])
    if project is None:
        raise NotFound("Unknown project key.", code="project_not_found")
    if not (WIDGET_DIST / "frame.html").exists():
        return _not_built("The chat widget")
    response = _send(WIDGET_DIST, "frame.html", max_age=0)
    ancestors = " ".join(project.allowed_origins) or "'none'"
    # The frame runs only its own bundle; Preact sets styles through the CSSOM, so no inline code is needed.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' https: data: blob:; "
        f"object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- demo ---------------------------------------------------------------------

@bp.get("/demo")
def demo():
    """A page of a pretend customer site that embeds the widget for the demo project."""
    project = demo_project()
    if project is None:
        raise NotFound("There is no demo project; run `flask --app wsgi seed-demo`.", code="demo_not_seeded")
    return render_template("demo.html", project=project, public_url=current_app.config["PUBLIC_URL"])
