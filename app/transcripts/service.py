"""Mail the product sends on its own: transcripts on resolve and digests of messages left while the team is away.

Both are fed by the outbox subscriber `on_outbox_event` and sent by jobs on the
"mail" queue with text and HTML bodies. A transcript goes out once per
resolution (a row per resolution). An away digest goes out at most once per
conversation per 15 minutes: the first message left while the team is away is
mailed at once and takes the conversation's 15-minute claim (the jobs seam's
`claim`, shared by every process); messages within that window make one
trailing digest when it ends, which takes the claim again.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.core import jobs
from app.core.errors import NotFound, Unprocessable
from app.core.jobs import enqueue
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import Conversation
from app.mail.jobs import deliver
from app.mail.service import render
from app.presence import service as presence
from app.projects import service as projects
from app.projects.models import Project
from app.transcripts.models import MailSettings, TranscriptMail
from app.users import service as users
from app.visitors import service as visitors

DIGEST_INTERVAL = timedelta(minutes=15)
TRANSCRIPT_LIMIT = 2000


def settings_for(project_id: int) -> MailSettings:
    """The project's mail settings (defaults until a manager saves some)."""
    return db.session.get(MailSettings, project_id) or MailSettings(
        project_id=project_id, send_transcripts=False, send_away_digests=True)


def update_settings(project: Project, data) -> MailSettings:
    """Apply the given settings. Commits."""
    settings = db.session.get(MailSettings, project.id)
    if settings is None:
        settings = settings_for(project.id)
        db.session.add(settings)
    if data.send_transcripts is not None:
        settings.send_transcripts = data.send_transcripts
    if data.send_away_digests is not None:
        settings.send_away_digests = data.send_away_digests
    db.session.commit()
    return settings


def on_outbox_event(record) -> None:
    """Outbox subscriber: queue a transcript on resolve, note a visitor message left while the team is away."""
    payload = record.payload or {}
    if record.event_type in ("conversation.updated", "conversation.status_changed"):
        conversation = payload.get("conversation") or {}
        if conversation.get("status") == "resolved" and conversation.get("resolved_at"):
            _queue_transcript(record.project_id, conversation["id"], conversation["resolved_at"])
    elif record.event_type == "message.created":
        message = payload.get("message") or {}
        if message.get("sender_type") == "visitor" and not message.get("private"):
            _note_away_message(record.project_id, message["conversation_id"], message["seq"])


def _queue_transcript(project_id: int, conversation_id: int, resolved_at: str) -> None:
    if not settings_for(project_id).send_transcripts:
        return
    try:
        with db.session.begin_nested():  # the unique (conversation, resolved_at) makes a redispatch a no-op
            db.session.add(TranscriptMail(project_id=project_id, conversation_id=conversation_id,
                                          resolved_at=resolved_at))
    except IntegrityError:
        return
    enqueue("app.transcripts.jobs.send_transcript", conversation_id, queue="mail")


def team_is_away(project_id: int) -> bool:
    """Outside business hours, or no agent of the project is online and available."""

    if not inbox.within_business_hours(inbox.settings_for(project_id)):
        return True
    return not presence.available_agents(projects.member_user_ids(project_id))


def _digest_key(conversation_id: int) -> str:

    conversation = db.session.get(Conversation, conversation_id)
    # The creation time too: SQLite may hand a deleted conversation's id to a new one.
    stamp = int(conversation.created_at.timestamp() * 1_000_000) if conversation else 0
    return f"away-digest:{conversation_id}:{stamp}"


def _note_away_message(project_id: int, conversation_id: int, seq: int) -> None:
    if not settings_for(project_id).send_away_digests or not team_is_away(project_id):
        return
    app = current_app._get_current_object()
    window = DIGEST_INTERVAL.total_seconds()
    key = _digest_key(conversation_id)
    if jobs.claim(app, key, window):
        enqueue("app.transcripts.jobs.send_away_digest", conversation_id, seq - 1, seq, queue="mail")
    elif jobs.claim(app, key + ":next", window):
        # A digest went out less than 15 minutes ago: this message and the next ones go in one more, later.
        enqueue("app.transcripts.jobs.send_away_digest", conversation_id, seq - 1, None, queue="mail", delay=window)


def _lines(messages, visitor_label: str) -> list[dict]:
    return [{"time": m.created_at.strftime("%Y-%m-%d %H:%M UTC"), "content": m.content,
             "author": visitor_label if m.sender_type == "visitor" else (m.sender_name or "Agent")}
            for m in messages if not m.is_private and m.sender_type in ("visitor", "agent")]


def send_transcript(conversation_id: int) -> bool:
    """Mail the conversation's transcript to its visitor when they left an email. True when mailed."""


    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        return False
    project = db.session.get(Project, conversation.project_id)
    try:
        visitor = visitors.get_visitor(project, conversation.visitor_id)
    except NotFound:
        return False
    if not visitor.email:
        return False
    _, messages = inbox.conversation_messages(project, conversation_id, 0, None, TRANSCRIPT_LIMIT)
    text, html = render("transcript", project_name=project.name, visitor_name=visitor.name,
                        messages=_lines(messages, visitor.name or "You"))
    deliver(visitor.email, f"Your conversation with {project.name}", text, html)
    return True


def email_transcript(project: Project, conversation_id: int) -> str:
    """Queue the conversation's transcript to its visitor now, whatever the settings (an automation's effect).

    Returns the address; 422 `visitor_has_no_email` when the visitor left none. Commits.
    """
    conversation = inbox.get_conversation(project, conversation_id)
    visitor = visitors.get_visitor(project, conversation.visitor_id)
    if not visitor.email:
        raise Unprocessable("The visitor left no email address to send the transcript to.",
                            code="visitor_has_no_email")
    enqueue("app.transcripts.jobs.send_transcript", conversation.id, queue="mail")
    db.session.commit()
    return visitor.email


def _recipients(project_id: int, assignee_id: int | None) -> list[str]:

    ids = [assignee_id] if assignee_id else projects.member_user_ids(project_id)
    return sorted({user.email for user in (users.get(uid) for uid in ids) if user is not None})


def send_away_digest(conversation_id: int, after_seq: int, up_to_seq: int | None = None) -> int:
    """Mail the visitor's messages after `after_seq` (up to `up_to_seq`) to the assignee, or every agent.

    A trailing digest (no `up_to_seq`) takes the conversation's 15-minute claim again, so the next
    one waits its turn. Returns how many mails were sent.
    """


    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        return 0
    project = db.session.get(Project, conversation.project_id)
    try:
        _, messages = inbox.conversation_messages(project, conversation_id, after_seq, None, 500)
        visitor = visitors.get_visitor(project, conversation.visitor_id)
    except NotFound:  # deleted meanwhile: nothing to tell
        return 0
    if up_to_seq is None:
        jobs.claim(current_app._get_current_object(), _digest_key(conversation_id), DIGEST_INTERVAL.total_seconds())
    label = visitor.name or visitor.email or f"Visitor #{visitor.id}"
    lines = _lines([m for m in messages if m.sender_type == "visitor" and (up_to_seq is None or m.seq <= up_to_seq)],
                   label)
    if not lines:
        return 0
    text, html = render("away_digest", project_name=project.name, visitor_label=label, messages=lines,
                        conversation_url=f"{current_app.config['PUBLIC_URL']}/inbox/{conversation_id}")
    recipients = _recipients(project.id, conversation.assignee_id)
    for to in recipients:
        deliver(to, f"[{project.name}] {label} wrote while you were away", text, html)
    return len(recipients)
