"""Composing mail: Jinja templates (HTML autoescaped) rendered now, sent later by the mail job."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.core import jobs

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render(template: str, **context) -> tuple[str, str]:
    """(text, html) bodies of `mail/<template>.txt|.html`; HTML values are escaped."""
    text = _TEMPLATES.get_template(f"mail/{template}.txt").render(**context)
    html = _TEMPLATES.get_template(f"mail/{template}.html").render(**context)
    return text, html


def send(to: str, subject: str, template: str, **context) -> None:
    """Queue a templated mail; it leaves once the current transaction commits."""
    text, html = render(template, **context)
    jobs.enqueue("app.mail.jobs.deliver", to, subject, text, html, queue="mail")
