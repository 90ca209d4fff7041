"""The gallery: ready rules a manager adds with one click, then edits like any other."""
from __future__ import annotations

TEMPLATES: list[dict] = [
    {
        "key": "greet_new_chats",
        "name": "Greet new chats",
        "description": "Welcome every new conversation with a message from the team.",
        "rule": {
            "trigger": {"type": "conversation.created"},
            "conditions": [],
            "match": "all",
            "effects": [{"type": "send_message",
                         "content": "Hi {{visitor.name}}! Thanks for reaching out to {{project.name}}. "
                                    "We'll be with you shortly."}],
        },
    },
    {
        "key": "auto_reply_outside_hours",
        "name": "Auto-reply outside business hours",
        "description": "When a chat starts outside business hours or while no agent is online, "
        "say when to expect an answer.",
        "rule": {
            "trigger": {"type": "conversation.created"},
            "conditions": [
                {"field": "within_business_hours", "operator": "equals", "value": False},
                {"field": "agents.online", "operator": "equals", "value": 0},
            ],
            "match": "any",
            "effects": [{"type": "send_message",
                         "content": "Thanks for your message! Our team is away right now; "
                                    "we'll reply as soon as we're back."}],
        },
    },
    {
        "key": "tag_billing_questions",
        "name": "Tag billing questions",
        "description": "Tag conversations whose visitor writes about invoices, refunds or payments.",
        "rule": {
            "trigger": {"type": "message.created", "sender": "visitor"},
            "conditions": [{"field": "message.content", "operator": "contains",
                            "value": "billing, invoice, refund, payment, charge"}],
            "match": "all",
            "effects": [{"type": "add_tag", "tag": "billing"}],
        },
    },
    {
        "key": "escalate_unanswered_5_minutes",
        "name": "Escalate if unanswered for 5 minutes",
        "description": "Raise the priority and leave a note when a visitor waits 5 minutes for an answer.",
        "rule": {
            "trigger": {"type": "no_agent_reply", "minutes": 5},
            "conditions": [],
            "match": "all",
            "effects": [{"type": "set_priority", "priority": "urgent"},
                        {"type": "send_note", "content": "No reply for 5 minutes: escalated to urgent."}],
        },
    },
    {
        "key": "round_robin_new_chats",
        "name": "Round-robin new chats",
        "description": "Assign each new unassigned conversation to the online agent with the fewest open ones.",
        "rule": {
            "trigger": {"type": "conversation.created"},
            "conditions": [{"field": "conversation.assignee_id", "operator": "is_not_set", "value": None}],
            "match": "all",
            "effects": [{"type": "assign", "strategy": "round_robin"}],
        },
    },
]

BY_KEY = {template["key"]: template for template in TEMPLATES}
