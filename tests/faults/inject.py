"""Fault injection from outside the product: hooks the fault suite loads into real processes.

* `gunicorn_faults.py` for web processes: the project's own settings and hooks, plus a SQLAlchemy
  `after_commit` listener placed *before* the one that runs `on_commit` callbacks (the fast path's emits):
  when the trigger file exists, the first commit that wrote outbox rows kills the process (SIGKILL) after the
  commit and before the fast path emits. That holds for a send on its own (`outbox.publish`) and for the group
  commit's batch (`outbox.publish_many`), whose senders are then not acked either.
* `python -m tests.faults.inject worker`: worker.py, plus a `before_commit` listener in RQ's work
  horses: when the trigger file exists, a relay drain that has emitted its rows dies (SIGKILL)
  before it stamps them published.
The product's code is untouched; the trigger is `LIVECHAT_FAULT_TRIGGER` (a file path).
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _triggered() -> bool:
    """True once per trigger file: the file is consumed so a respawned process does not die again."""
    trigger = os.environ.get("LIVECHAT_FAULT_TRIGGER")
    if not trigger:
        return False
    try:
        os.remove(trigger)
        return True
    except FileNotFoundError:
        return False


# Set on a session by a statement that inserted outbox rows (the group commit's `publish_many`, which
# registers no on-commit callback: its writer emits after answering its senders).
_INSERTED_OUTBOX = "faults_inserted_outbox"


def _inserts_outbox(statement) -> bool:
    table = getattr(statement, "table", None)
    if getattr(statement, "is_insert", False) and getattr(table, "name", None) == "outbox":
        return True
    return " ".join(str(getattr(statement, "text", "")).split()).upper().startswith("INSERT INTO OUTBOX")


def _wrote_outbox_rows(session) -> bool:
    """True when the committing transaction wrote outbox rows (their fast-path emits wait for the commit)."""
    from app.core import outbox
    from app.core.db import _ON_COMMIT_KEY

    return session.info.pop(_INSERTED_OUTBOX, False) or any(
        getattr(callback, "func", None) is outbox._committed for callback in session.info.get(_ON_COMMIT_KEY, []))


def install_kill_between_commit_and_emit() -> None:
    """Web process: die right after a commit that wrote outbox rows, before anything is emitted or acked."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "do_orm_execute")
    def _note_outbox_insert(state):
        if _inserts_outbox(state.statement):
            state.session.info[_INSERTED_OUTBOX] = True

    @event.listens_for(Session, "after_soft_rollback")
    def _forget_outbox_insert(session, previous_transaction):
        session.info.pop(_INSERTED_OUTBOX, None)

    @event.listens_for(Session, "after_commit", insert=True)
    def _die_after_commit(session):
        if _wrote_outbox_rows(session) and _triggered():
            os.kill(os.getpid(), signal.SIGKILL)


def install_kill_mid_drain(parent_pid: int) -> None:
    """Worker: a work horse dies after emitting outbox rows and before committing their stamps."""
    from sqlalchemy import event, inspect
    from sqlalchemy.orm import Session

    from app.core.models import OutboxEvent

    @event.listens_for(Session, "before_commit")
    def _die_before_stamp(session):
        if os.getpid() == parent_pid:
            return
        # Rows just stamped published (not rows already published that the dispatch step stamps dispatched).
        stamping = any(isinstance(obj, OutboxEvent) and obj.published_at is not None
                       and inspect(obj).attrs.published_at.history.added for obj in session.dirty)
        if stamping and _triggered():
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__" and sys.argv[1:] == ["worker"]:
    sys.path.insert(0, str(ROOT))
    install_kill_mid_drain(os.getpid())
    import runpy

    runpy.run_path(str(ROOT / "worker.py"), run_name="__main__")
