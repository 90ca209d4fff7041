"""Database helpers: UTC timestamps, SQLite pragmas, savepoints and work run after commit (`on_commit`)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from flask import Flask
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.types import TypeDecorator

from app.extensions import db, migrate


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back aware datetimes, even from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to UTCDateTime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Timestamped:
    """created_at / updated_at columns maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


_ON_COMMIT_KEY = "livechat_on_commit"


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits; drop it on rollback.

    Jobs and socket emits go through here so nobody ever hears of a row
    that was rolled back.
    """
    db.session.info.setdefault(_ON_COMMIT_KEY, []).append(callback)


@contextmanager
def savepoint() -> Iterator[None]:
    """Run a block in a SAVEPOINT: if it raises, its changes and its `on_commit` callbacks are undone."""
    callbacks = db.session.info.setdefault(_ON_COMMIT_KEY, [])
    mark = len(callbacks)
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        del callbacks[mark:]
        raise


@event.listens_for(Session, "after_commit")
def _run_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy fires after_commit when a SAVEPOINT is released too: wait for the real commit
    callbacks = session.info.pop(_ON_COMMIT_KEY, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_ON_COMMIT_KEY, None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:  # DB-API objects: untyped
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer commits; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]), render_as_batch=True, compare_type=True)


# Tables that live beside the models on purpose (SQLite's FTS5 index and its shadow
# tables, made by migration 0004): schema comparison and autogenerate leave them alone.
UNMODELLED_TABLE_PREFIXES = ("messages_fts",)


def include_in_schema_comparison(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Alembic `include_name` hook: skip the unmodelled tables."""
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))
