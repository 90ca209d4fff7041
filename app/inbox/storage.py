"""Where attachment bytes live: a small seam with a local-disk implementation under instance/."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from flask import current_app


class LocalStorage:
    """Files under `<instance>/attachments/<project_id>/<random>`; keys never come from users."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, project_id: int, stream: BinaryIO, max_bytes: int) -> tuple[str, int] | None:
        """Copy `stream` to a new file; None (and nothing kept) when it exceeds `max_bytes`."""
        key = f"{project_id}/{uuid.uuid4().hex}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(path, "wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    break
                out.write(chunk)
        if size > max_bytes:
            path.unlink(missing_ok=True)
            return None
        return key, size

    def path(self, key: str) -> Path:
        """The file of a stored key."""
        return self.root / key

    def delete(self, key: str) -> None:
        """Remove a stored file (when its row could not be saved)."""
        try:
            os.unlink(self.root / key)
        except FileNotFoundError:
            pass


    def delete_project(self, project_id: int) -> None:
        """Remove every file of a project (its folder); nothing to do when there is none."""
        shutil.rmtree(self.root / str(int(project_id)), ignore_errors=True)


def storage() -> LocalStorage:
    """The storage of the current app."""
    return LocalStorage(Path(current_app.config["ATTACHMENTS_DIR"]))
