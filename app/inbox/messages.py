"""Messages: the send path, ordered, idempotent and durable, and reading threads back.

A message is stored, with its outbox event, before its ack; `seq` is gap-free
per conversation; a retried `client_msg_id` answers with the stored message.

The common send, a visitor's text into its open conversation, goes through the
group commit: the socket handler queues it and waits; the writer that owns its
conversation (a few per process, so commits overlap) takes everything queued,
and in one transaction reads the senders' names, bumps each conversation's
`last_seq` by its number of new messages (row-locking it), inserts the
messages and their outbox rows with one statement each, commits, answers every
waiting send, then emits the batch (the fast path). The guarantees are those of a send on its own: the bump and the
rows commit or roll back together, and a batch that meets the unique
`client_msg_id` constraint is rolled back and written one send at a time by
the single-send path below, which answers a retry with the stored message.
Every other send (a new or reopened conversation, attachments) runs in the
handler, a bounded number at a time. Past saturation a send is refused at once
with `overloaded` and a retry hint, and nothing is stored for it.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from flask import Flask, current_app
from pydantic import TypeAdapter
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.core import outbox
from app.core.db import UTCDateTime, utcnow
from app.core.errors import NotFound, Overloaded, PayloadTooLarge, ValidationFailed, rollback_quietly
from app.extensions import db
from app.inbox import attachments as uploads
from app.inbox import conversations, reads
from app.inbox.models import Attachment, Conversation, Message
from app.inbox.schemas import MessageCreate, MessageOut, WidgetMessageCreate
from app.projects.models import Project
from app.users.models import User
from app.visitors.models import Visitor

log = logging.getLogger(__name__)

_BODY_KEY = "_livechat_body"


def message_body(message: Message) -> dict:
    """The message shape of ARCHITECTURE §6 (plus sender and attachments).

    A message stored in this request keeps the body built for its outbox event:
    a stored message never changes, and re-reading it after commit would cost
    the send path two more queries and a second serialisation.
    """
    cached = message.__dict__.get(_BODY_KEY)
    if cached is not None:
        return cached
    sender = None
    if message.sender_type == "agent":
        sender = {"id": message.sender_id, "name": message.sender_name, "avatar_url": None}
    body = {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_type": message.sender_type,
        "sender_id": message.sender_id,
        "sender": sender,
        "content": message.content,
        "private": message.is_private,
        "client_msg_id": message.client_msg_id,
        "created_at": message.created_at,
        "attachments": [uploads.attachment_body(a) for a in message.attachments],
    }
    return MessageOut.model_validate(body).model_dump(mode="json")


def _check_content(content: str, attachment_ids: list[int]) -> str:
    limit = current_app.config["MESSAGE_MAX_CHARS"]
    if len(content) > limit:
        raise PayloadTooLarge(f"A message holds at most {limit} characters.", code="content_too_long",
                              details={"max_chars": limit, "length": len(content)})
    if not content.strip() and not attachment_ids:
        raise ValidationFailed("A message needs content or an attachment.", code="empty_message")
    return content


def _append(conversation: Conversation, *, sender_type: str, sender_id: int | None, sender_name: str | None,
            content: str, is_private: bool = False, client_msg_id: str | None = None,
            attachments: list[Attachment] = ()) -> Message:
    """Add a message at the next seq of a locked conversation and publish it."""
    now = utcnow()
    conversation.last_seq += 1
    conversation.last_message_at = now
    for attachment in attachments:
        attachment.visitor_id = conversation.visitor_id
    message = Message(
        project_id=conversation.project_id, conversation_id=conversation.id, seq=conversation.last_seq,
        sender_type=sender_type, sender_id=sender_id, sender_name=sender_name, content=content,
        is_private=is_private, client_msg_id=client_msg_id, created_at=now, attachments=list(attachments),
    )
    db.session.add(message)
    db.session.flush()
    body = message_body(message)
    message.__dict__[_BODY_KEY] = body  # survives the commit's expiry: it is not a mapped attribute
    outbox.publish(conversation.project_id, "message.created", {
        "message": body,
        "conversation_id": conversation.id,
        "visitor_id": conversation.visitor_id,
    })
    return message


def _stored(conversation_id: int | None, sender_type: str, sender_id: int, client_msg_id: str) -> Message | None:
    stmt = select(Message).where(
        Message.sender_type == sender_type, Message.sender_id == sender_id, Message.client_msg_id == client_msg_id
    )
    if conversation_id is not None:
        stmt = stmt.where(Message.conversation_id == conversation_id)
    return db.session.scalar(stmt.order_by(Message.id).limit(1))


def send_visitor_message(visitor_id: int, data: WidgetMessageCreate) -> dict:
    """Store a visitor's message (creating its conversation lazily); a retry answers with the stored one.

    The common send (a text into the visitor's open conversation) is written by
    the group commit with the other sends of the moment; every other send runs
    here, bounded in number. Either may refuse with `overloaded` (nothing
    stored). Commits; returns the message body the ack carries.
    """
    content = _check_content(data.content, data.attachment_ids)
    group = current_app.extensions[_EXTENSION]
    if data.conversation_id is not None and not data.attachment_ids and not data.new_conversation:
        body = group.submit(_Send(visitor_id, data.conversation_id, content, data.client_msg_id))
        if body is not None:
            return body
    with group.admitted():
        visitor = db.session.get(Visitor, visitor_id)
        if visitor is None:
            raise NotFound("This visitor no longer exists.", code="visitor_not_found")
        return message_body(_send_visitor_message(visitor, data, content))


# --- group commit ------------------------------------------------------------------------------

_EXTENSION = "livechat_group_commit"
# How long a send outside the batch waits for a slot before it is refused as overloaded.
GENERAL_WAIT_SECONDS = 2.0
# How often visitors' last_seen_at is stamped for the sends of the group commit.
LAST_SEEN_SECONDS = 1.0
_DATETIME = TypeAdapter(datetime)


class _Send:
    __slots__ = ("visitor_id", "conversation_id", "content", "client_msg_id", "done", "body", "error")

    def __init__(self, visitor_id: int, conversation_id: int, content: str, client_msg_id: str) -> None:
        self.visitor_id = visitor_id
        self.conversation_id = conversation_id
        self.content = content
        self.client_msg_id = client_msg_id
        self.done = threading.Event()
        self.body: dict | None = None
        self.error: BaseException | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return self.visitor_id, self.conversation_id, self.client_msg_id

    def finish(self, body: dict | None = None, error: BaseException | None = None) -> None:
        self.body, self.error = body, error
        self.done.set()


class GroupCommit:
    """The process's send path: SEND_WRITERS writers, each owning the conversations whose id falls to it.

    One conversation, one writer: its sends are written in order, and two
    writers never wait on each other's row locks, while their commits overlap.
    """

    def __init__(self, app: Flask) -> None:
        self.writers = [_Writer(app) for _ in range(max(1, app.config["SEND_WRITERS"]))]
        self.queue_max = app.config["SEND_QUEUE_MAX"]
        self.general = threading.BoundedSemaphore(app.config["SEND_GENERAL_MAX"])
        self.last_seen = _LastSeen(app)

    def submit(self, send: _Send) -> dict | None:
        """Queue a send and wait for its outcome: the body, or None when the single-send path must decide."""
        waiting = sum(len(writer.queue) for writer in self.writers)
        if waiting >= self.queue_max:
            rate = sum(writer.rate for writer in self.writers)
            retry_after_ms = int(min(5000, max(100, 1000 * waiting / max(rate, 1.0))))
            raise Overloaded(details={"retry_after_ms": retry_after_ms})
        body = self.writers[send.conversation_id % len(self.writers)].submit(send)
        if body is not None:
            self.last_seen.add(send.visitor_id)
        return body

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """A slot for a send outside the batch (a new or reopened conversation, attachments), or `overloaded`.

        Such a send holds a pooled database connection for a dozen statements:
        bounded here, a burst waits its turn briefly instead of exhausting the pool.
        """
        if not self.general.acquire(timeout=GENERAL_WAIT_SECONDS):
            raise Overloaded(details={"retry_after_ms": int(GENERAL_WAIT_SECONDS * 1000)})
        try:
            yield
        finally:
            self.general.release()


class _Writer:
    """A queue of sends and the greenlet (a thread outside gevent) that writes them in batches."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: deque[_Send] = deque()
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.running = False
        self.batch_max = app.config["SEND_BATCH_MAX"]
        # Messages written per second, smoothed: how long a full queue takes to drain.
        self.rate = 200.0

    def submit(self, send: _Send) -> dict | None:
        self.queue.append(send)
        self._start()
        self.wake.set()
        send.done.wait()
        if send.error is not None:
            raise send.error
        return send.body

    def _start(self) -> None:
        with self.lock:
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._run, name="group-commit", daemon=True).start()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            while self.queue:
                batch = [self.queue.popleft() for _ in range(min(len(self.queue), self.batch_max))]
                started = time.monotonic()
                try:
                    with self.app.app_context():
                        try:
                            self._write(batch)
                        except Exception:  # noqa: BLE001 - every send must be answered; see _one_by_one
                            log.exception("group commit of %d sends failed; writing them one at a time", len(batch))
                            rollback_quietly()
                            self._one_by_one([send for send in batch if not send.done.is_set()])
                        finally:
                            db.session.remove()
                except Exception as error:  # noqa: BLE001 - the writer outlives its batch, or later sends would hang
                    log.exception("group commit writer: %d sends could not be written", len(batch))
                    for send in batch:
                        if not send.done.is_set():
                            send.finish(error=error)
                elapsed = max(time.monotonic() - started, 1e-4)
                self.rate = 0.8 * self.rate + 0.2 * (len(batch) / elapsed)

    def _write(self, batch: list[_Send]) -> None:
        """One transaction for the whole batch; answers every send it stores, then emits them."""
        # The same send twice in one batch (a client's retry) is answered with the first's outcome.
        first: dict[tuple, _Send] = {}
        copies: list[tuple[_Send, _Send]] = []
        for send in batch:
            if send.key in first:
                copies.append((send, first[send.key]))
            else:
                first[send.key] = send
        sends = list(first.values())
        now = utcnow()
        names = dict(db.session.execute(
            select(Visitor.id, Visitor.name).where(Visitor.id.in_({send.visitor_id for send in sends}))
        ).all())
        counts: dict[tuple[int, int], int] = {}
        for send in sends:
            if send.visitor_id not in names:
                send.finish(error=NotFound("This visitor no longer exists.", code="visitor_not_found"))
            else:
                key = (send.conversation_id, send.visitor_id)
                counts[key] = counts.get(key, 0) + 1
        bumped = _bump(counts, now)  # (conversation id, visitor id) -> (last_seq after, project_id)
        # Each conversation's new messages take the seqs just reserved, in the order they were sent.
        next_seq = {key: last_seq - counts[key] for key, (last_seq, _) in bumped.items()}
        rows, stored = [], []
        for send in sends:
            if send.done.is_set():
                continue
            key = (send.conversation_id, send.visitor_id)
            if key not in bumped:
                send.finish(body=None)  # not the visitor's open conversation: the general path decides
                continue
            next_seq[key] += 1
            rows.append({"project_id": bumped[key][1], "conversation_id": send.conversation_id,
                         "seq": next_seq[key], "sender_type": "visitor",
                         "sender_id": send.visitor_id, "sender_name": names[send.visitor_id],
                         "content": send.content, "is_private": False, "client_msg_id": send.client_msg_id,
                         "created_at": now})
            stored.append(send)
        if not rows:
            db.session.rollback()
            self._answer_copies(copies)
            return
        try:
            ids = _insert_messages(rows, now)
        except IntegrityError:
            # A retry of a message stored earlier: the single-send path answers it with the stored one.
            db.session.rollback()
            self._one_by_one(stored)
            self._answer_copies(copies)
            return
        created_at = _DATETIME.dump_python(now, mode="json")
        events = []
        for message_id, row, send in zip(ids, rows, stored):
            send.body = {
                "id": message_id, "conversation_id": row["conversation_id"], "seq": row["seq"],
                "sender_type": "visitor", "sender_id": row["sender_id"], "sender": None, "content": row["content"],
                "private": False, "client_msg_id": row["client_msg_id"], "created_at": created_at, "attachments": [],
            }
            events.append((row["project_id"], "message.created", {
                "message": send.body, "conversation_id": row["conversation_id"], "visitor_id": row["sender_id"],
            }))
        records = outbox.publish_many(events, now)
        db.session.commit()
        for send in stored:
            send.done.set()  # acks go out as soon as this writer yields, i.e. during the emits below
        self._answer_copies(copies)
        for record in records:
            outbox.committed(record)

    def _one_by_one(self, sends: list[_Send]) -> None:
        """Each send in its own transaction through the single-send path (retries, a failed batch)."""
        for send in sends:
            try:
                body = _append_to_open_conversation(send.visitor_id, send.conversation_id, send.content,
                                                          send.client_msg_id)
                send.finish(body=body)
            except Exception as error:  # noqa: BLE001 - handed to the waiting handler, which answers it
                rollback_quietly()  # the connection may be gone with the database: the pool discards it
                send.finish(error=error)

    @staticmethod
    def _answer_copies(copies: list[tuple[_Send, _Send]]) -> None:
        for copy, original in copies:
            original.done.wait()
            copy.finish(body=original.body, error=original.error)


# PostgreSQL statements take whole columns as arrays: one statement text whatever the batch size, so
# psycopg and SQLAlchemy parse and cache it once (a multi-row VALUES list is new text for every size).
_INSERT_MESSAGES_POSTGRES = text(
    "INSERT INTO messages (project_id, conversation_id, seq, sender_type, sender_id, sender_name, content, "
    "is_private, client_msg_id, created_at) "
    "SELECT u.p, u.c, u.s, 'visitor', u.v, u.n, u.t, false, u.k, :now FROM unnest("
    "CAST(:p AS integer[]), CAST(:c AS integer[]), CAST(:s AS integer[]), CAST(:v AS integer[]), "
    "CAST(:n AS text[]), CAST(:t AS text[]), CAST(:k AS text[])) AS u(p, c, s, v, n, t, k) "
    "RETURNING id, conversation_id, seq"
).bindparams(bindparam("now", type_=UTCDateTime()))


def _insert_messages(rows: list[dict], now: datetime) -> list[int]:
    """Insert the batch's messages; their ids, in the order of `rows`."""
    if db.engine.dialect.name != "postgresql":
        return db.session.execute(
            insert(Message.__table__).returning(Message.__table__.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
    ids = {(cid, seq): message_id for message_id, cid, seq in db.session.execute(_INSERT_MESSAGES_POSTGRES, {
        "p": [r["project_id"] for r in rows], "c": [r["conversation_id"] for r in rows],
        "s": [r["seq"] for r in rows], "v": [r["sender_id"] for r in rows], "n": [r["sender_name"] for r in rows],
        "t": [r["content"] for r in rows], "k": [r["client_msg_id"] for r in rows], "now": now,
    })}
    return [ids[(r["conversation_id"], r["seq"])] for r in rows]


_BUMP_POSTGRES = text(
    "UPDATE conversations AS c SET last_seq = c.last_seq + v.n, visitor_last_read_seq = c.last_seq + v.n, "
    "last_message_at = :now, updated_at = :now "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:visitors AS integer[]), CAST(:counts AS integer[])) "
    "AS v(id, visitor_id, n) "
    "WHERE c.id = v.id AND c.visitor_id = v.visitor_id AND c.status = 'open' "
    "RETURNING c.id, c.visitor_id, c.last_seq, c.project_id"
).bindparams(bindparam("now", type_=UTCDateTime()))

_BUMP_ONE = (
    update(Conversation.__table__)
    .where(Conversation.__table__.c.id == bindparam("b_conversation"),
           Conversation.__table__.c.visitor_id == bindparam("b_visitor"),
           Conversation.__table__.c.status == "open")
    .values(last_seq=Conversation.__table__.c.last_seq + bindparam("b_count"),
            visitor_last_read_seq=Conversation.__table__.c.last_seq + bindparam("b_count"),
            last_message_at=bindparam("b_now"), updated_at=bindparam("b_now"))
    .returning(Conversation.__table__.c.id, Conversation.__table__.c.visitor_id, Conversation.__table__.c.last_seq,
               Conversation.__table__.c.project_id)
)


def _bump(counts: dict[tuple[int, int], int], now: datetime) -> dict[tuple[int, int], tuple[int, int]]:
    """Take `n` seqs in each (conversation, visitor) that is the visitor's and open; row-locks them till commit."""
    if not counts:
        return {}
    if db.engine.dialect.name == "postgresql":
        keys = list(counts)
        result = db.session.execute(_BUMP_POSTGRES, {
            "ids": [cid for cid, _ in keys], "visitors": [vid for _, vid in keys],
            "counts": [counts[key] for key in keys], "now": now,
        })
    else:  # SQLite has a single writer anyway: one short statement per conversation
        result = [row for (cid, vid), n in counts.items() for row in db.session.execute(
            _BUMP_ONE, {"b_conversation": cid, "b_visitor": vid, "b_count": n, "b_now": now})]
    return {(cid, vid): (last_seq, project_id) for cid, vid, last_seq, project_id in result}


class _LastSeen:
    """Visitors' last_seen_at, stamped in one UPDATE at most once a second: no send waits for it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pending: set[int] = set()
        self.lock = threading.Lock()
        self.running = False

    def add(self, visitor_id: int) -> None:
        with self.lock:
            self.pending.add(visitor_id)
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._flush, name="last-seen", daemon=True).start()

    def _flush(self) -> None:
        while True:
            time.sleep(LAST_SEEN_SECONDS)
            with self.lock:
                visitor_ids, self.pending = self.pending, set()
                if not visitor_ids:
                    self.running = False
                    return
            with self.app.app_context():
                try:
                    db.session.execute(update(Visitor).where(Visitor.id.in_(visitor_ids)).values(last_seen_at=utcnow()),
                                       execution_options={"synchronize_session": False})
                    db.session.commit()
                except Exception:  # noqa: BLE001 - a missed stamp is made good by the visitor's next send
                    db.session.rollback()
                    log.exception("could not stamp visitors' last_seen_at")
                finally:
                    db.session.remove()


def init_app(app: Flask) -> None:
    """One group commit per app (so per web process)."""
    app.extensions[_EXTENSION] = GroupCommit(app)


# --- one send at a time ----------------------------------------------------------------------

# The common send's statements, built once: only their parameters change per message.
_TOUCH_VISITOR = (
    update(Visitor.__table__).where(Visitor.__table__.c.id == bindparam("b_visitor"))
    .values(last_seen_at=bindparam("b_now")).returning(Visitor.__table__.c.name)
)


_NEXT_SEQ = (
    update(Conversation.__table__)
    .where(Conversation.__table__.c.id == bindparam("b_conversation"),
           Conversation.__table__.c.visitor_id == bindparam("b_visitor"),
           Conversation.__table__.c.status == "open")
    .values(last_seq=Conversation.__table__.c.last_seq + 1,
            visitor_last_read_seq=Conversation.__table__.c.last_seq + 1,
            last_message_at=bindparam("b_now"), updated_at=bindparam("b_now"))
    .returning(Conversation.__table__.c.last_seq, Conversation.__table__.c.project_id)
)


_INSERT_MESSAGE = Message.__table__.insert().returning(Message.__table__.c.id)


def _append_to_open_conversation(visitor_id: int, conversation_id: int, content: str,
                                 client_msg_id: str) -> dict | None:
    """The common send, a text into the visitor's open conversation, in four statements.

    Each UPDATE … RETURNING does two things in one round trip: the visitor's
    stamps last_seen_at and reads the sender's name; the conversation's
    row-locks the thread and takes the next seq. The unique (conversation,
    sender, client_msg_id) constraint turns a retry into the stored message.
    None when the conversation is not the visitor's or not open (pending,
    snoozed, resolved): the general path decides what happens then.
    """
    now = utcnow()
    visitor = db.session.execute(_TOUCH_VISITOR, {"b_visitor": visitor_id, "b_now": now}).first()
    if visitor is None:
        db.session.rollback()
        raise NotFound("This visitor no longer exists.", code="visitor_not_found")
    bumped = db.session.execute(
        _NEXT_SEQ, {"b_conversation": conversation_id, "b_visitor": visitor_id, "b_now": now}
    ).first()
    if bumped is None:
        db.session.rollback()
        return None
    seq, project_id = bumped
    row = {"project_id": project_id, "conversation_id": conversation_id, "seq": seq, "sender_type": "visitor",
           "sender_id": visitor_id, "sender_name": visitor.name, "content": content, "is_private": False,
           "client_msg_id": client_msg_id, "created_at": now}
    try:
        message_id = db.session.execute(_INSERT_MESSAGE, row).scalar_one()
    except IntegrityError:
        db.session.rollback()  # a retry: the bumped seq goes with it
        stored = _stored(conversation_id, "visitor", visitor_id, client_msg_id)
        if stored is None:
            raise
        return message_body(stored)
    body = MessageOut.model_validate({
        "id": message_id, "conversation_id": conversation_id, "seq": seq, "sender_type": "visitor",
        "sender_id": visitor_id, "sender": None, "content": content, "private": False,
        "client_msg_id": client_msg_id, "created_at": now, "attachments": [],
    }).model_dump(mode="json")
    outbox.publish(project_id, "message.created",
                   {"message": body, "conversation_id": conversation_id, "visitor_id": visitor_id})
    db.session.commit()
    return body


def _send_visitor_message(visitor: Visitor, data: WidgetMessageCreate, content: str) -> Message:
    """Every other send: a new or reopened conversation, attachments, or a retry after the thread moved on."""
    if data.conversation_id is not None:
        conversations.visitor_conversation(visitor, data.conversation_id)
    # Look for a retry only under the lock: one query per send, and no race with a concurrent retry.
    conversations._lock_visitor(visitor.id)
    existing = _stored(None, "visitor", visitor.id, data.client_msg_id)
    if existing is not None:
        db.session.rollback()
        return existing
    conversation = None
    if data.conversation_id is not None and not data.new_conversation:
        conversation = conversations.visitor_conversation(visitor, data.conversation_id)
        if conversation.status == "resolved":
            conversation = None  # a resolved thread stays closed: the visitor starts a new one
    if conversation is None and not data.new_conversation:
        conversation = db.session.scalar(
            select(Conversation)
            .where(Conversation.visitor_id == visitor.id, Conversation.status != "resolved")
            .order_by(Conversation.id.desc()).limit(1)
        )
    is_new = conversation is None
    if is_new:
        conversation = conversations._new_conversation(visitor.project_id, visitor.id)
    conversation = conversations._lock_conversation(conversation.id)
    attachments = uploads._claim_attachments(visitor.project_id, data.attachment_ids, "visitor", visitor.id)
    is_reopened = conversation.status in ("pending", "snoozed")
    changes = {"status": [conversation.status, "open"]} if is_reopened else {}
    if is_reopened:
        conversation.status = "open"
        conversation.snoozed_until = None
    message = _append(conversation, sender_type="visitor", sender_id=visitor.id, sender_name=visitor.name,
                      content=content, client_msg_id=data.client_msg_id, attachments=attachments)
    conversation.visitor_last_read_seq = conversation.last_seq
    if is_new:
        conversations._auto_assign(conversation)
    db.session.flush()
    # A plain message is announced by message.created alone; the thread itself changes only when new or reopened.
    if is_new or is_reopened:
        conversations._publish_conversation(conversation, "conversation.created" if is_new else "conversation.updated",
                                            changes)
    return _commit_send(message, lambda: _stored(None, "visitor", visitor.id, data.client_msg_id))


def _commit_send(message: Message, find_stored) -> Message:
    """Commit a send; when a concurrent retry won the unique constraint, answer with its message."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = find_stored()
        if stored is None:
            raise
        return stored
    return message


def visitor_messages(visitor: Visitor, conversation_id: int, after_seq: int, limit: int) -> list[Message]:
    """What the visitor missed after `after_seq` (private notes excluded), in order."""
    conversation = conversations.visitor_conversation(visitor, conversation_id)
    return list(db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id, Message.seq > after_seq,
                              Message.is_private.is_(False))
        .order_by(Message.seq).limit(limit)
    ))


def send_agent_message(
    project: Project, conversation_id: int, agent: User, data: MessageCreate
) -> tuple[Message, bool]:
    """Store an agent's reply or private note; (message, created). A retry returns the stored one. Commits."""
    content = _check_content(data.content, data.attachment_ids)
    conversation = conversations._lock_conversation(conversations.get_conversation(project, conversation_id).id)
    existing = _stored(conversation.id, "agent", agent.id, data.client_msg_id)
    if existing is not None:
        db.session.rollback()
        return existing, False
    attachments = uploads._claim_attachments(project.id, data.attachment_ids, "agent", agent.id)
    message = _append(conversation, sender_type="agent", sender_id=agent.id, sender_name=agent.name, content=content,
                      is_private=data.private, client_msg_id=data.client_msg_id, attachments=attachments)
    if not data.private and conversation.first_response_at is None:
        conversation.first_response_at = message.created_at
    reads._set_agent_read(conversation.id, agent.id, conversation.last_seq)
    db.session.flush()
    stored = _commit_send(message, lambda: _stored(conversation_id, "agent", agent.id, data.client_msg_id))
    return stored, stored is message


def conversation_messages(project: Project, conversation_id: int, after_seq: int | None, before_seq: int | None,
                          limit: int) -> tuple[Conversation, list[Message]]:
    """Agents' view of a thread (private notes included): after `after_seq`, or the latest before `before_seq`."""
    conversation = conversations.get_conversation(project, conversation_id)
    stmt = select(Message).where(Message.conversation_id == conversation.id)
    if after_seq is not None:
        stmt = stmt.where(Message.seq > after_seq)
    if before_seq is not None:
        stmt = stmt.where(Message.seq < before_seq)
    if after_seq is None:
        rows = list(db.session.scalars(stmt.order_by(Message.seq.desc()).limit(limit)))
        rows.reverse()
    else:
        rows = list(db.session.scalars(stmt.order_by(Message.seq).limit(limit)))
    return conversation, rows


def agent_sync(project_ids: list[int], conversation_id: int, after_seq: int, limit: int) -> list[Message]:
    """What an agent missed in a conversation of one of its projects (404 otherwise)."""
    conversation = db.session.scalar(select(Conversation).where(
        Conversation.id == conversation_id, Conversation.project_id.in_(project_ids or [0])))
    if conversation is None:
        raise NotFound("This conversation does not exist.", code="conversation_not_found")
    return list(db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id, Message.seq > after_seq)
        .order_by(Message.seq).limit(limit)
    ))


def send_automated_message(project: Project, conversation_id: int, content: str, *, private: bool,
                           sender_name: str) -> Message:
    """A message (or private note) sent as the project by automation, not by a person. Commits.

    It is an agent-side message without a sender id: visitors see it like a reply,
    and it counts neither as an agent's first response nor as anyone's read.
    """
    content = _check_content(content, [])
    conversation = conversations._lock_conversation(conversations.get_conversation(project, conversation_id).id)
    message = _append(conversation, sender_type="agent", sender_id=None, sender_name=sender_name[:120],
                      content=content, is_private=private)
    db.session.commit()
    return message
