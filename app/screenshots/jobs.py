"""Screenshot jobs (queue "default")."""
from __future__ import annotations

from app.screenshots import service


def capture(screenshot_id: int) -> None:
    """Render a pending screenshot; finished ones are left alone."""
    service.capture(screenshot_id)
