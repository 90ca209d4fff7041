"""The inbox's services, by concern: conversations, messages (the send path), attachments, read state.

Callers import this module; each function lives in the module of its concern.
"""
from __future__ import annotations

from app.inbox.attachments import (  # noqa: F401 - re-exported
    ALLOWED_TYPES,
    attachment_body,
    attachment_for_agent,
    attachment_for_visitor,
    store_attachment,
)
from app.inbox.conversations import (  # noqa: F401 - re-exported
    OPEN_STATUSES,
    agent_presence,
    assign_round_robin,
    conversation_body,
    conversation_in_projects,
    conversation_rows,
    get_conversation,
    latest_open_conversation,
    list_conversations,
    search_condition,
    settings_for,
    update_conversation,
    update_settings,
    visitor_conversation,
    visitor_conversation_rows,
    visitor_conversations,
    visitor_message_body,
    wake_snoozed,
    widget_conversation_body,
    within_business_hours,
)
from app.inbox.messages import (  # noqa: F401 - re-exported
    agent_sync,
    conversation_messages,
    message_body,
    send_agent_message,
    send_automated_message,
    send_visitor_message,
    visitor_messages,
)
from app.inbox.reads import (  # noqa: F401 - re-exported
    mark_read_by_agent,
    mark_read_by_visitor,
    unread_counts,
)
