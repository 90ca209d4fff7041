"""Transcripts on resolve and away digests, through the mail job to a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select


def _dispatch_new(app, project_id: int, seen: set[int]) -> None:
    """Hand the project's new outbox rows to the mail subscriber, as the outbox dispatcher does."""
    from app.core.models import OutboxEvent
    from app.extensions import db
    from app.transcripts import service

    with app.app_context():
        rows = db.session.scalars(select(OutboxEvent).where(OutboxEvent.project_id == project_id)
                                  .order_by(OutboxEvent.id)).all()
        for row in rows:
            if row.id in seen:
                continue
            seen.add(row.id)
            service.on_outbox_event(SimpleNamespace(id=row.id, project_id=row.project_id, event_type=row.event_type,
                                                    payload=row.payload, created_at=row.created_at))
        db.session.commit()
        db.session.remove()


def _wait_dispatched(app, project_id: int, timeout: float = 20.0) -> None:
    """Wait until the relay has handed every outbox row of the project to the subscribers."""
    from app.core.models import OutboxEvent
    from app.extensions import db

    deadline = time.monotonic() + timeout
    with app.app_context():
        while db.session.scalar(select(func.count()).select_from(OutboxEvent).where(
                OutboxEvent.project_id == project_id, OutboxEvent.dispatched_at.is_(None))):
            assert time.monotonic() < deadline, "the outbox was not dispatched"
            db.session.remove()
            time.sleep(0.1)
        db.session.remove()


def _reply(api, project, manager, conversation_id, content, private=False):
    response = api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                        json={"content": content, "client_msg_id": uuid.uuid4().hex, "private": private},
                        token=manager["access_token"])
    assert response.status_code in (200, 201), response.json


def _visitor_says(app, visitor, content):
    from app.extensions import db
    from app.inbox import service as inbox
    from app.inbox.schemas import WidgetMessageCreate

    with app.app_context():
        inbox.send_visitor_message(visitor["visitor"]["id"], WidgetMessageCreate(content=content,
                                                                                 client_msg_id=uuid.uuid4().hex))
        db.session.remove()


def _mail(smtp_sink, to: str, subject_part: str, timeout: float = 20.0):
    """The first mail to `to` whose subject holds `subject_part` (invitations go to the same people)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with smtp_sink.lock:
            for message in smtp_sink.messages:
                if message["To"] == to and subject_part in message["Subject"]:
                    return message
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to} about {subject_part!r}")


def _parts(mail) -> dict:
    return {part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for part in mail.walk() if not part.is_multipart()}


def test_resolving_mails_the_transcript_once_with_text_and_html(app, api, make_widget_project, make_visitor,
                                                                make_conversation, smtp_sink, live_server):
    from app.extensions import db
    from app.transcripts.models import TranscriptMail

    project, manager = make_widget_project(name="Acme <Shop>")
    assert api.patch(f"/projects/{project['id']}/mail-settings", json={"send_transcripts": True},
                     token=manager["access_token"]).json["send_transcripts"] is True
    email = f"ana-{uuid.uuid4().hex[:6]}@example.net"
    visitor = make_visitor(project, name="Ana", email=email)
    conversation_id, _ = make_conversation(project, content="My parcel is late", visitor=visitor)
    _reply(api, project, manager, conversation_id, "It ships <today>")
    _reply(api, project, manager, conversation_id, "internal: courier strike", private=True)
    api.patch(f"/projects/{project['id']}/conversations/{conversation_id}", json={"status": "resolved"},
              token=manager["access_token"])
    mail = smtp_sink.wait_for(email)  # the relay's dispatcher hands the resolve to the mail subscriber
    assert mail["Subject"] == "Your conversation with Acme <Shop>"
    parts = _parts(mail)
    assert "My parcel is late" in parts["text/plain"]
    assert "It ships <today>" in parts["text/plain"]
    assert "courier strike" not in parts["text/plain"]
    assert "It ships &lt;today&gt;" in parts["text/html"]
    assert "courier strike" not in parts["text/html"]
    _dispatch_new(app, project["id"], set())  # every row heard again: still one transcript
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(TranscriptMail)
                                  .where(TranscriptMail.conversation_id == conversation_id))
        db.session.remove()
    assert count == 1


def test_no_transcript_unless_the_project_enables_it(app, api, make_widget_project, make_visitor, make_conversation,
                                                     live_server):
    from app.extensions import db
    from app.transcripts.models import TranscriptMail

    project, manager = make_widget_project()
    visitor = make_visitor(project, email="bob@example.net")
    conversation_id, _ = make_conversation(project, visitor=visitor)
    api.patch(f"/projects/{project['id']}/conversations/{conversation_id}", json={"status": "resolved"},
              token=manager["access_token"])
    _dispatch_new(app, project["id"], set())
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranscriptMail)) == 0
        db.session.remove()


def test_messages_left_while_away_are_mailed_to_every_agent_at_most_every_15_minutes(
        app, api, make_widget_project, make_visitor, make_conversation, add_member, smtp_sink, live_server):
    project, manager = make_widget_project(name="Night Shop")
    agent = add_member(project, manager)
    visitor = make_visitor(project, name="Carla")
    conversation_id, _ = make_conversation(project, content="Anyone there?", visitor=visitor)
    to_manager = _mail(smtp_sink, manager["email"], "away")
    to_agent = _mail(smtp_sink, agent["email"], "away")
    assert "Carla wrote while you were away" in to_manager["Subject"]
    assert "Anyone there?" in _parts(to_agent)["text/plain"]
    assert f"/inbox/{conversation_id}" in _parts(to_agent)["text/html"]
    _visitor_says(app, visitor, "Hello??")
    _wait_dispatched(app, project["id"])
    time.sleep(2)  # the second message waits for the trailing digest, 15 minutes after the first
    with smtp_sink.lock:
        assert sum(1 for m in smtp_sink.messages if m["To"] == manager["email"] and "away" in m["Subject"]) == 1


def test_a_trailing_digest_carries_what_came_in_the_window_and_waits_its_turn(app, make_widget_project, make_visitor,
                                                                             make_conversation, smtp_sink):
    """The trailing job itself (what the delayed job runs): later messages only, and it takes the claim again."""
    from app.core import jobs
    from app.transcripts import service as conversations

    project, manager = make_widget_project(name="Late Shop")
    visitor = make_visitor(project, name="Flo")
    conversation_id, _ = make_conversation(project, content="one", visitor=visitor)
    _visitor_says(app, visitor, "two")
    _visitor_says(app, visitor, "three")
    with app.app_context():
        assert conversations.send_away_digest(conversation_id, 1) == 1
        # the 15-minute window is taken again: a message now would not be mailed at once
        assert jobs.claim(app, conversations._digest_key(conversation_id), 1) is False
    deadline = time.monotonic() + 20
    while True:  # the dispatcher may also have mailed "one" at once, as the first digest
        with smtp_sink.lock:
            texts = [_parts(m)["text/plain"] for m in smtp_sink.messages
                     if m["To"] == manager["email"] and "Flo wrote" in m["Subject"]]
        trailing = [text for text in texts if "three" in text]
        if trailing or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert "two" in trailing[0]
    assert "] one" not in trailing[0]


def test_the_away_digest_goes_to_the_assignee_only(app, api, make_widget_project, make_visitor, make_conversation,
                                                   add_member, smtp_sink, live_server):
    from app.transcripts import service

    project, manager = make_widget_project()
    agent = add_member(project, manager)
    settings = f"/projects/{project['id']}/mail-settings"
    api.patch(settings, json={"send_away_digests": False}, token=manager["access_token"])
    visitor = make_visitor(project, name="Dora")
    conversation_id, _ = make_conversation(project, content="First", visitor=visitor)
    api.patch(f"/projects/{project['id']}/conversations/{conversation_id}", json={"assignee_id": agent["user"]["id"]},
              token=manager["access_token"])
    _wait_dispatched(app, project["id"])  # "First" was heard while digests were off
    api.patch(settings, json={"send_away_digests": True}, token=manager["access_token"])
    _visitor_says(app, visitor, "Still waiting")
    mail = _mail(smtp_sink, agent["email"], "away")
    assert "Still waiting" in _parts(mail)["text/plain"]
    assert "First" not in _parts(mail)["text/plain"]
    time.sleep(1)
    with smtp_sink.lock:
        assert not any(m["To"] == manager["email"] and "away" in m["Subject"] for m in smtp_sink.messages)
    assert service.DIGEST_INTERVAL == timedelta(minutes=15)


def test_mail_settings_are_for_managers_to_change(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager)
    path = f"/projects/{project['id']}/mail-settings"
    assert api.get(path, token=agent["access_token"]).json == {"send_transcripts": False, "send_away_digests": True}
    assert api.patch(path, json={"send_transcripts": True}, token=agent["access_token"]).status_code == 403
    _, stranger = make_project(name="Other")
    assert api.get(path, token=stranger["access_token"]).status_code == 404
