"""/api/v1/projects/{pid}/conversations…, inbox settings and attachments (agents and the widget)."""
from __future__ import annotations

from flask import Blueprint, current_app, request, send_file

from app.audit import audit_exempt, auditable
from app.auth.principal import authenticated, bearer, principal
from app.core import metrics
from app.core.errors import Forbidden, NotFound, Unauthorized
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, json_body, query_args
from app.extensions import limiter
from app.inbox import service
from app.inbox.schemas import (
    AgentPresenceListOut,
    AttachmentOut,
    ConversationListQuery,
    ConversationRowOut,
    ConversationUpdate,
    InboxSettingsOut,
    InboxSettingsUpdate,
    MessageCreate,
    MessageOut,
    MessagesOut,
    MessagesQuery,
    ReadOut,
    ReadRequest,
)
from app.inbox.storage import storage
from app.projects.access import project_for, role_in
from app.rbac.roles import Role
from app.visitors import limits
from app.visitors import service as visitors

bp = Blueprint("inbox", __name__, url_prefix="/api/v1")

CONVERSATION = "/projects/<int:project_id>/conversations/<int:conversation_id>"


def _caller_user():
    """The signed-in agent, or None for an API key."""
    return principal().user


def _agent_user():
    """The signed-in agent; checked after project_for() so outsiders get their 404 first."""
    if principal().user is None:
        raise Forbidden("API keys cannot use this endpoint; an agent must be signed in.", code="user_required")
    return principal().user


def _row(conversation) -> dict:
    return service.conversation_rows([conversation], _caller_user())[0]


@bp.get("/projects/<int:project_id>/conversations")
@authenticated
@documented(summary="Conversations, most recently active first", query=ConversationListQuery,
            response=ConversationRowOut, paged=True)
def list_conversations(project_id: int):
    """Filters: status, assignee (me, none, any or a user id), tag, visitor_id, q (full-text over messages)."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_conversations(project, _caller_user(), query_args(ConversationListQuery))
    return page_body(rows, next_cursor)


@bp.get(CONVERSATION)
@authenticated
@documented(summary="Read a conversation", response=ConversationRowOut)
def get_conversation(project_id: int, conversation_id: int):
    """One conversation with its visitor, last message and my unread count."""
    project, _ = project_for(project_id)
    return _row(service.get_conversation(project, conversation_id))


@bp.patch(CONVERSATION)
@authenticated
@auditable("conversation.update", target="conversation")
@documented(summary="Change status, assignee, priority, tags or snooze", body=ConversationUpdate,
            response=ConversationRowOut)
def update_conversation(project_id: int, conversation_id: int):
    """Assign (assignee_id, null unassigns), resolve, reopen, snooze (with snoozed_until), tag, prioritise."""
    project, _ = project_for(project_id)
    conversation = service.update_conversation(project, conversation_id, _caller_user(), json_body(ConversationUpdate))
    return _row(conversation)


@bp.get(CONVERSATION + "/messages")
@authenticated
@documented(summary="Messages of a conversation in seq order", query=MessagesQuery, response=MessagesOut)
def list_messages(project_id: int, conversation_id: int):
    """`after_seq` resumes (oldest first); without it, the latest `limit` before `before_seq`."""
    project, _ = project_for(project_id)
    query = query_args(MessagesQuery)
    conversation, rows = service.conversation_messages(project, conversation_id, query.after_seq, query.before_seq,
                                                       query.limit)
    return {"items": [service.message_body(m) for m in rows], "last_seq": conversation.last_seq}


@bp.post(CONVERSATION + "/messages")
@authenticated
@audit_exempt("conversation content: the message itself is the record (sender, time)")
@documented(summary="Send a reply or a private note (idempotent by client_msg_id)", body=MessageCreate,
            response=MessageOut, status=201, also={200: "A retry with a client_msg_id already stored: that message"})
def post_message(project_id: int, conversation_id: int):
    """201 with the stored message; a retry with the same client_msg_id answers 200 with the same message."""
    project, _ = project_for(project_id)
    with metrics.timed_send("api"):
        message, created = service.send_agent_message(project, conversation_id, _agent_user(), json_body(MessageCreate))
    return service.message_body(message), 201 if created else 200


@bp.post(CONVERSATION + "/read")
@authenticated
@audit_exempt("a personal read marker; changes nothing others rely on")
@documented(summary="Mark a conversation read up to seq", body=ReadRequest, response=ReadOut)
def mark_read(project_id: int, conversation_id: int):
    """Stores my last read seq; the visitor sees the read receipt."""
    project, _ = project_for(project_id)
    return service.mark_read_by_agent(project, conversation_id, _agent_user(), json_body(ReadRequest).seq)


@bp.get("/projects/<int:project_id>/visitors/<int:visitor_id>/conversations")
@authenticated
@documented(summary="A visitor's conversations", query=PageQuery, response=ConversationRowOut, paged=True)
def visitor_conversations(project_id: int, visitor_id: int):
    """Newest first."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.visitor_conversation_rows(project, visitor_id, _caller_user(), query_args(PageQuery))
    return page_body(rows, next_cursor)


@bp.get("/projects/<int:project_id>/inbox-settings")
@authenticated
@documented(summary="Inbox settings: auto-assignment, capacity, business hours, pre-chat form",
            response=InboxSettingsOut)
def get_settings(project_id: int):
    """Readable by every member."""
    project, _ = project_for(project_id)
    return dump(InboxSettingsOut, service.settings_for(project.id))


@bp.patch("/projects/<int:project_id>/inbox-settings")
@authenticated
@auditable("inbox_settings.update", target=None)
@documented(summary="Change inbox settings (managers)", body=InboxSettingsUpdate, response=InboxSettingsOut)
def update_settings(project_id: int):
    """Only the fields given change."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(InboxSettingsOut, service.update_settings(project, json_body(InboxSettingsUpdate)))


@bp.get("/projects/<int:project_id>/presence")
@authenticated
@documented(summary="Agents' live status (online, away, offline)", response=AgentPresenceListOut)
def agent_presence(project_id: int):
    """Every member with their status, as the /agent `presence` events report it."""
    project, _ = project_for(project_id)
    return {"items": service.agent_presence(project)}


# --- attachments -------------------------------------------------------------------

def _upload():
    """The multipart `file`, read with the attachment size limit instead of the JSON one."""
    request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + 64 * 1024
    return request.files.get("file")


@bp.post("/projects/<int:project_id>/attachments")
@authenticated
@audit_exempt("content upload; it becomes part of a message, which is the record")
@documented(summary="Upload an attachment (multipart field `file`) to send with a message", response=AttachmentOut,
            status=201, upload={"file": "The file: an image, PDF, text, CSV, Office document or zip"})
def upload_agent_attachment(project_id: int):
    """Then pass its id in `attachment_ids` of a message."""
    project, _ = project_for(project_id)
    attachment = service.store_attachment(project.id, "agent", _agent_user().id, None, _upload())
    return service.attachment_body(attachment), 201


def _widget_upload_limit() -> str:
    return current_app.config["WIDGET_UPLOAD_RATE"]


@bp.post("/widget/attachments")
@limiter.limit(_widget_upload_limit)
@audit_exempt("anonymous visitor upload, rate limited; part of the conversation")
@documented(summary="Upload a visitor attachment (multipart `file`, visitor token as Bearer)", response=AttachmentOut,
            status=201, auth="none", upload={"file": "The file: an image, PDF, text, CSV, Office document or zip"})
def upload_widget_attachment():
    """Then pass its id in `attachment_ids` of `message:send`."""
    visitor = visitors.visitor_from_any_token(bearer())
    if visitor is None:
        raise Unauthorized("Send the visitor token as `Authorization: Bearer …`.", code="invalid_visitor_token")
    # Ids can come back after a restore; with the first-seen time the key is this visitor's alone.
    limits.admit_visitor_upload(visitor.project_id, f"{visitor.id}@{visitor.first_seen_at.timestamp():.0f}")
    attachment = service.store_attachment(visitor.project_id, "visitor", visitor.id, visitor.id, _upload())
    return service.attachment_body(attachment), 201


@bp.get("/attachments/<int:attachment_id>")
@documented(summary="Download an attachment (an agent's bearer token, or the visitor's token as Bearer)",
            auth="none", produces=sorted(service.ALLOWED_TYPES))
def download_attachment(attachment_id: int):
    """Served only to the visitor of its conversation and to the project's agents.

    Tokens go in the Authorization header only, never in the URL, where they
    would outlive the page in history, proxy logs and referrers.
    """
    visitor = visitors.visitor_from_any_token(bearer())
    if visitor is not None:
        attachment = service.attachment_for_visitor(visitor, attachment_id)
    elif bearer():
        caller = authenticated(principal)()
        attachment = service.attachment_for_agent(attachment_id, lambda project_id: role_in(project_id, caller))
    else:
        raise NotFound("This attachment does not exist.", code="attachment_not_found")
    response = send_file(storage().path(attachment.storage_key), mimetype=attachment.content_type,
                         as_attachment=not attachment.content_type.startswith("image/"),
                         download_name=attachment.filename, max_age=0)
    # Uploaded bytes are never interpreted as anything but their declared, allow-listed type.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
