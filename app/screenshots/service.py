"""Screenshots: ask for one, render it in a job, read the result."""
from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from flask import current_app

from app.auth.principal import Principal
from app.core import outbound, outbox
from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.jobs import enqueue
from app.core.tenancy import scoped
from app.core.validation import dump
from app.extensions import db
from app.inbox.storage import storage
from app.projects.models import Project
from app.screenshots.models import Screenshot
from app.screenshots.schemas import ScreenshotOut
from app.visitors import service as visitors

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
JOB = "app.screenshots.jobs.capture"


def body(shot: Screenshot) -> dict:
    """The API shape of a screenshot."""
    image_url = (f"/api/v1/projects/{shot.project_id}/visitors/{shot.visitor_id}/screenshots/{shot.id}/image"
                 if shot.status == "done" else None)
    return dump(ScreenshotOut, {
        "id": shot.id, "visitor_id": shot.visitor_id, "status": shot.status, "error": shot.error, "url": shot.url,
        "image_url": image_url, "blocked_requests": shot.blocked_requests or [], "created_at": shot.created_at,
        "finished_at": shot.finished_at})


def request_screenshot(project: Project, caller: Principal, visitor_id: int) -> Screenshot:
    """Record a pending screenshot of the visitor's current page and queue its job. Commits."""
    visitor = visitors.get_visitor(project, visitor_id)
    shot = Screenshot(project_id=project.id, visitor_id=visitor.id, url=visitor.page_url, status="pending",
                      requested_by_id=caller.user.id if caller.user else None, blocked_requests=[])
    db.session.add(shot)
    db.session.flush()
    enqueue(JOB, shot.id)
    db.session.commit()
    return shot


def get_screenshot(project: Project, visitor_id: int, screenshot_id: int) -> Screenshot:
    """A screenshot of this visitor in this project, or 404."""
    shot = db.session.scalar(scoped(Screenshot, project.id).where(
        Screenshot.id == screenshot_id, Screenshot.visitor_id == visitor_id))
    if shot is None:
        raise NotFound("This screenshot does not exist.")
    return shot


def image_path(shot: Screenshot) -> Path:
    """The stored PNG of a finished screenshot, or 404."""
    if shot.status != "done" or not shot.storage_key:
        raise NotFound("This screenshot has no image.")
    return storage().path(shot.storage_key)


def _finish(shot: Screenshot, *, error: str | None = None, blocked: list | None = None,
            stored: tuple[str, int] | None = None) -> None:
    shot.status = "failed" if error else "done"
    shot.error = error[:500] if error else None
    shot.blocked_requests = (blocked or [])[:50]
    if stored:
        shot.storage_key, shot.size = stored
    shot.finished_at = utcnow()
    outbox.publish(shot.project_id, "screenshot.updated", {"screenshot": body(shot)})
    db.session.commit()


def _run_renderer(url: str, out: str) -> dict:
    config = current_app.config
    timeout = config["SCREENSHOT_TIMEOUT_SECONDS"]
    command = [sys.executable, "-m", "app.screenshots.render", "--url", url, "--out", out,
               "--browser", config["SCREENSHOT_BROWSER"] or "", "--timeout", str(timeout),
               "--max-bytes", str(config["SCREENSHOT_MAX_BYTES"])]
    for entry in config.get("OUTBOUND_ALLOWLIST", ()):
        command += ["--allow", entry]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "The browser did not finish in time.", "blocked": []}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        log.error("screenshot renderer failed: %s", done.stderr[-2000:])
        return {"ok": False, "error": "The browser failed to start.", "blocked": []}


def capture(screenshot_id: int) -> None:
    """The job: check the URL, render it, store the PNG, tell the project's agents. Idempotent."""
    shot = db.session.get(Screenshot, screenshot_id)
    if shot is None or shot.status != "pending":
        return
    if not shot.url:
        _finish(shot, error="The visitor's current page is not known.")
        return
    try:
        outbound.check_url(shot.url, outbound.current_policy(https_only=False))
    except outbound.OutboundRefused as refused:
        _finish(shot, error=f"The page was refused: {refused.message}",
                blocked=[{"url": shot.url, "reason": refused.reason}])
        return
    with tempfile.TemporaryDirectory() as workdir:
        out = str(Path(workdir) / "shot.png")
        result = _run_renderer(shot.url, out)
        if not result.get("ok"):
            _finish(shot, error=result.get("error") or "The screenshot failed.", blocked=result.get("blocked"))
            return
        with open(out, "rb") as png:
            stored = storage().save(shot.project_id, io.BytesIO(png.read()), current_app.config["SCREENSHOT_MAX_BYTES"])
    if stored is None:
        _finish(shot, error="The screenshot is larger than the size cap.", blocked=result.get("blocked"))
        return
    _finish(shot, blocked=result.get("blocked"), stored=stored)
