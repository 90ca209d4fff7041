"""outbox: dispatched_at / dispatch_attempts for durable subscribers

Revision ID: 0005_outbox_dispatch
Revises: 0004_sqlite_message_search
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa



revision = '0005_outbox_dispatch'
down_revision = '0004_sqlite_message_search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dispatch_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_outbox_undispatched', ['dispatched_at', 'id'], unique=False)
    # Rows written before subscribers existed have nobody to hear them: mark them dispatched.
    op.execute("UPDATE outbox SET dispatched_at = COALESCE(published_at, created_at)")


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_undispatched')
        batch_op.drop_column('dispatch_attempts')
        batch_op.drop_column('dispatched_at')
