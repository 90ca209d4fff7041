"""full-text search index on message content (PostgreSQL)

Revision ID: 0003_message_search_index
Revises: 0002_messaging
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_message_search_index'
down_revision = '0002_messaging'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite searches with an escaped LIKE instead; only PostgreSQL gets the GIN index.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_messages_content_fts",
            "messages",
            [sa.text("to_tsvector('simple', content)")],
            postgresql_using="gin",
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_messages_content_fts", table_name="messages")
