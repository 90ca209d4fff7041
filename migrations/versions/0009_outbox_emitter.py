"""outbox: emitter, the web process whose fast path emits the row

Revision ID: 0009_outbox_emitter
Revises: 0008_actions
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_outbox_emitter'
down_revision = '0008_actions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emitter', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('emitter')
