"""Flask CLI commands: `flask --app wsgi seed-demo`, `flask --app wsgi realtime-schema`."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.projects import service as projects
from app.projects.models import Project, ProjectMember
from app.projects.schemas import ProjectCreate
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
    if project is None:
        origin = current_app.config["PUBLIC_URL"]
        # The demo page is served by the app itself; people type either loopback name.
        origins = [origin, origin.replace("127.0.0.1", "localhost"), origin.replace("localhost", "127.0.0.1")]
        project = projects.create_project(user, ProjectCreate(name=DEMO_PROJECT, allowed_origins=origins))
    return DEMO_EMAIL, DEMO_PASSWORD, project


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
        text = json.dumps(contract.json_schema(), indent=2, sort_keys=True) + "\n"
        if output:
            Path(output).write_text(text)
        else:
            click.echo(text, nl=False)
