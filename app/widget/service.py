"""What the widget needs to start: its look and behaviour plus live state."""
from __future__ import annotations

from app.inbox import service as inbox
from app.presence import service as presence
from app.projects import service as projects
from app.projects.models import Project


def widget_config(project: Project) -> dict:
    """Look and behaviour of the widget plus live state (agents online, business hours)."""
    settings = dict(project.widget_settings or {})
    inbox_settings = inbox.settings_for(project.id)
    agents = presence.available_agents(projects.member_user_ids(project.id))
    return {
        "color": settings.get("color", "#1f6feb"),
        "position": settings.get("position", "right"),
        "greeting": settings.get("greeting", "Hi! How can we help?"),
        "launcher_text": settings.get("launcher_text", "Chat with us"),
        "away_message": settings.get("away_message", "We're away right now."),
        "agents_online": bool(agents),
        "within_business_hours": inbox.within_business_hours(inbox_settings),
        "prechat": inbox_settings.prechat or {"enabled": False, "fields": []},
        "locale": inbox_settings.locale,
        "title": project.name,
    }
