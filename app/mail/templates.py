"""Mail bodies: a text and an HTML template per mail, HTML autoescaped."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

_ENV = Environment(loader=PackageLoader("app.mail", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> tuple[str, str]:
    """(text, html) of the mail `name`."""
    return _ENV.get_template(f"{name}.txt").render(**context), _ENV.get_template(f"{name}.html").render(**context)
