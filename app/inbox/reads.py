"""Read state: how far the visitor and each agent have read a thread, and what is unread."""
from __future__ import annotations

from sqlalchemy import and_, func, literal_column, select, update
from sqlalchemy.exc import IntegrityError

from app.core import outbox
from app.core.errors import NotFound
from app.extensions import db
from app.inbox import conversations
from app.inbox.models import Conversation, ConversationRead, Message
from app.projects.models import Project
from app.users.models import User
from app.visitors.models import Visitor


def mark_read_by_visitor(visitor: Visitor, conversation_id: int, seq: int) -> Conversation:
    """The visitor has read up to `seq`; agents are told. Commits."""
    conversation = conversations.visitor_conversation(visitor, conversation_id)
    seq = min(seq, conversation.last_seq)
    if seq > conversation.visitor_last_read_seq:
        db.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, Conversation.visitor_last_read_seq < seq)
            .values(visitor_last_read_seq=seq),
            execution_options={"synchronize_session": False},
        )
        outbox.publish(conversation.project_id, "conversation.read", {
            "conversation_id": conversation.id, "visitor_id": conversation.visitor_id,
            "seq": seq, "reader_type": "visitor", "reader_id": visitor.id,
        })
        db.session.commit()
        db.session.refresh(conversation)
    return conversation


def _set_agent_read(conversation_id: int, user_id: int, seq: int) -> int:
    read = db.session.scalar(select(ConversationRead).where(
        ConversationRead.conversation_id == conversation_id, ConversationRead.user_id == user_id))
    if read is None:
        read = ConversationRead(conversation_id=conversation_id, user_id=user_id, last_read_seq=seq)
        db.session.add(read)
    elif seq > read.last_read_seq:
        read.last_read_seq = seq
    return read.last_read_seq


def mark_read_by_agent(project: Project, conversation_id: int, agent: User, seq: int) -> dict:
    """The agent has read up to `seq` (clamped to the thread); the visitor is told. Commits.

    Returns the agent's read state: conversation id, last read seq and what is still unread.
    """
    conversation = conversations.get_conversation(project, conversation_id)
    seq = min(seq, conversation.last_seq)
    for attempt in range(2):
        try:
            last_read = _set_agent_read(conversation.id, agent.id, seq)
            outbox.publish(project.id, "conversation.read", {
                "conversation_id": conversation.id, "visitor_id": conversation.visitor_id,
                "seq": last_read, "reader_type": "agent", "reader_id": agent.id,
            })
            db.session.commit()
            return {"conversation_id": conversation.id, "last_read_seq": last_read,
                    "unread_count": unread_counts([conversation.id], agent).get(conversation.id, 0)}
        except IntegrityError:
            # Two tabs of the same agent created the row at once: the second pass updates it.
            db.session.rollback()
            if db.session.get(Conversation, conversation_id) is None:
                raise NotFound("This conversation does not exist.", code="conversation_not_found") from None
            if attempt:
                raise
    raise AssertionError("unreachable")


def unread_counts(conversation_ids: list[int], user: User | None) -> dict[int, int]:
    """Visitor messages after `user`'s last read seq, by conversation (all of them for no user), in one query.

    Only what visitors wrote counts, as in the dashboard's live count: an
    agent's reply or a system line ("assigned to …") is nothing to answer.
    """
    if not conversation_ids:
        return {}
    last_read = literal_column("0")
    stmt = select(Message.conversation_id, func.count()).where(
        Message.conversation_id.in_(conversation_ids), Message.sender_type == "visitor")
    if user is not None:
        stmt = stmt.outerjoin(ConversationRead, and_(ConversationRead.conversation_id == Message.conversation_id,
                                                     ConversationRead.user_id == user.id))
        last_read = func.coalesce(ConversationRead.last_read_seq, 0)
    return dict(db.session.execute(stmt.where(Message.seq > last_read).group_by(Message.conversation_id)).all())
