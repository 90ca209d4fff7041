"""Flask CLI commands: `flask --app wsgi seed-demo`, `realtime-schema` and `openapi`."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.core.openapi import build_spec
from app.extensions import db
from app.projects import service as projects
from app.projects.models import Project, ProjectMember
from app.projects.schemas import ProjectCreate, ProjectUpdate
from app.realtime import contract
from app.users import service as users

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "livechat-demo-2026"
DEMO_PROJECT = "Demo project"


def seed_demo() -> tuple[str, str, object]:
    """Create (once) the demo manager and demo project; returns (email, password, project)."""
    user = users.find_by_email(DEMO_EMAIL)
    if user is None:
        user = users.create(DEMO_EMAIL, "Demo Manager", DEMO_PASSWORD)
        db.session.commit()
    project = demo_project()
    origins = demo_origins(current_app.config["PUBLIC_URL"])
    if project is None:
        project = projects.create_project(user, ProjectCreate(name=DEMO_PROJECT, allowed_origins=origins))
    elif missing := [origin for origin in origins if origin not in project.allowed_origins]:
        # Seeded before on another port (`PORT=5077 make run` after a plain `make run`): the demo
        # page now comes from this origin, so the widget must be allowed there too.
        project = projects.update_project(
            project, ProjectUpdate(allowed_origins=[*project.allowed_origins, *missing][-50:])
        )
    return DEMO_EMAIL, DEMO_PASSWORD, project


def demo_origins(public_url: str) -> list[str]:
    """The origins the demo page is served from: PUBLIC_URL's, under either loopback name."""
    parts = urlsplit(public_url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    candidates = [origin, origin.replace("127.0.0.1", "localhost"), origin.replace("localhost", "127.0.0.1")]
    return list(dict.fromkeys(candidates))


def demo_project():
    """The demo project, when `seed-demo` has run."""
    user = users.find_by_email(DEMO_EMAIL)
    if user is None:
        return None
    return db.session.scalar(
        select(Project)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id, Project.name == DEMO_PROJECT)
    )


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo manager account and project, and print the login."""
        email, password, project = seed_demo()
        public_url = current_app.config["PUBLIC_URL"]
        click.echo(
            f"Demo ready.\n  Dashboard: {public_url}/\n  Login:     {email} / {password}\n"
            f"  Project:   {project.name} (public key {project.public_key})\n  Demo page: {public_url}/demo"
        )

    @app.cli.command("realtime-schema")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
    def realtime_schema_command(output: str | None):
        """Print the JSON Schema of every Socket.IO event, payload and ack (for generating client types)."""
        _write_json(contract.json_schema(), output)

    @app.cli.command("openapi")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
    def openapi_command(output: str | None):
        """Print the OpenAPI document of the REST API, as GET /api/v1/openapi.json serves it."""
        _write_json(build_spec(current_app), output)


def _write_json(document: dict, output: str | None) -> None:
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(text)
    else:
        click.echo(text, nl=False)
