"""Attachment files do not outlive their data: project deletion, visitor erasure, uploads never sent."""
from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from app.core.db import utcnow
from app.extensions import db
from app.inbox import jobs as inbox_jobs
from app.inbox.models import Attachment
from tests.inbox.test_attachments import PNG, _reply_with, _upload_as_agent


def _files(app, project_id: int) -> dict[int, Path]:
    """{attachment id: its file} of a project, from the rows."""
    with app.app_context():
        rows = db.session.execute(select(Attachment.id, Attachment.storage_key)
                                  .where(Attachment.project_id == project_id)).all()
        root = Path(app.config["ATTACHMENTS_DIR"])
        db.session.remove()
    return {row.id: root / row.storage_key for row in rows}


def _wait_until_gone(paths, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while any(p.exists() for p in paths):
        assert time.monotonic() < deadline, [str(p) for p in paths if p.exists()]
        time.sleep(0.2)


def test_deleting_a_project_removes_its_files(app, rq_worker, api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    other, other_manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    sent = _upload_as_agent(api, project, manager).json["id"]
    _reply_with(api, project, manager, conversation_id, sent)
    _upload_as_agent(api, project, manager)  # never sent
    kept = _upload_as_agent(api, other, other_manager).json["id"]
    files = _files(app, project["id"])
    other_files = _files(app, other["id"])
    assert len(files) == 2 and all(p.exists() for p in files.values())

    assert api.delete(f"/projects/{project['id']}", token=manager["access_token"]).status_code == 204
    _wait_until_gone(files.values())
    assert other_files[kept].read_bytes() == PNG  # another tenant's files stay


def test_erasing_a_visitor_can_remove_their_files(app, api, make_widget_project, make_conversation, client):
    project, manager = make_widget_project()
    conversation_id, visitor = make_conversation(project)
    other_conversation, other_visitor = make_conversation(project)
    theirs = _upload_as_agent(api, project, manager).json["id"]
    _reply_with(api, project, manager, conversation_id, theirs)
    others = _upload_as_agent(api, project, manager).json["id"]
    _reply_with(api, project, manager, other_conversation, others)
    files = _files(app, project["id"])

    with app.app_context():
        assert inbox_jobs.remove_visitor_files(project["id"], visitor["visitor"]["id"]) == 1
        assert files[theirs].exists()  # nothing is removed before the erase commits
        db.session.commit()
        db.session.remove()
    assert not files[theirs].exists()
    assert files[others].exists()
    download = client.get(f"/api/v1/attachments/{others}",
                          headers={"Authorization": f"Bearer {other_visitor['visitor_token']}"})
    assert download.status_code == 200 and download.data == PNG


def test_a_rolled_back_erase_keeps_the_files(app, api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, visitor = make_conversation(project)
    upload = _upload_as_agent(api, project, manager).json["id"]
    _reply_with(api, project, manager, conversation_id, upload)
    files = _files(app, project["id"])
    with app.app_context():
        inbox_jobs.remove_visitor_files(project["id"], visitor["visitor"]["id"])
        db.session.rollback()
        db.session.remove()
    assert files[upload].exists() and _files(app, project["id"]) == files


def test_uploads_never_sent_are_swept_after_a_day(app, api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    old_sent = _upload_as_agent(api, project, manager).json["id"]
    _reply_with(api, project, manager, conversation_id, old_sent)
    old_unsent = _upload_as_agent(api, project, manager).json["id"]
    fresh_unsent = _upload_as_agent(api, project, manager).json["id"]
    files = _files(app, project["id"])
    with app.app_context():
        db.session.execute(update(Attachment).where(Attachment.id.in_([old_sent, old_unsent]))
                           .values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
        assert inbox_jobs.sweep_unattached_uploads() == 1
        assert inbox_jobs.sweep_unattached_uploads() == 0  # idempotent
        db.session.remove()
    assert not files[old_unsent].exists()
    assert files[old_sent].exists() and files[fresh_unsent].exists()
    assert set(_files(app, project["id"])) == {old_sent, fresh_unsent}
