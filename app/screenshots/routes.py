"""/api/v1/projects/{pid}/visitors/{vid}/screenshots."""
from __future__ import annotations

from flask import Blueprint, send_file

from app.audit.service import auditable
from app.auth.principal import authenticated, principal
from app.core.openapi import documented
from app.projects.access import project_for
from app.screenshots import service
from app.screenshots.schemas import ScreenshotOut

bp = Blueprint("screenshots", __name__,
               url_prefix="/api/v1/projects/<int:project_id>/visitors/<int:visitor_id>/screenshots")


@bp.post("")
@authenticated
@auditable("screenshot.request", target="screenshot")
@documented(summary="Take a screenshot of the visitor's current page (rendered by a job)", response=ScreenshotOut,
            status=202)
def request_screenshot(project_id: int, visitor_id: int):
    """Answers at once with `status: pending`; agents hear `screenshot:updated` when it is done or failed."""
    project, _ = project_for(project_id)
    return service.body(service.request_screenshot(project, principal(), visitor_id)), 202


@bp.get("/<int:screenshot_id>")
@authenticated
@documented(summary="A screenshot's status, error and image URL", response=ScreenshotOut)
def get_screenshot(project_id: int, screenshot_id: int, visitor_id: int):
    """Agents of the project only."""
    project, _ = project_for(project_id)
    return service.body(service.get_screenshot(project, visitor_id, screenshot_id))


@bp.get("/<int:screenshot_id>/image")
@authenticated
@documented(summary="The screenshot's PNG (agents of the project only)")
def get_image(project_id: int, visitor_id: int, screenshot_id: int):
    """Sent with the bearer token in the header, never in the URL."""
    project, _ = project_for(project_id)
    path = service.image_path(service.get_screenshot(project, visitor_id, screenshot_id))
    response = send_file(path, mimetype="image/png", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
