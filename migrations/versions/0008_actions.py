"""automation rules, runs and no-reply timers

Revision ID: 0008_actions
Revises: 0007_integrations
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_actions'
down_revision = '0007_integrations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('trigger_type', sa.String(length=40), nullable=False),
    sa.Column('trigger', sa.JSON(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('match', sa.String(length=8), nullable=False),
    sa.Column('effects', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('run_count', sa.Integer(), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('scanned_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_action_rules_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_rules'))
    )
    with op.batch_alter_table('action_rules', schema=None) as batch_op:
        batch_op.create_index('ix_action_rules_project_trigger', ['project_id', 'trigger_type', 'enabled'], unique=False)

    op.create_table('action_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=80), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('effects_done', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_action_runs_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['action_rules.id'], name=op.f('fk_action_runs_rule_id_action_rules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_runs')),
    sa.UniqueConstraint('rule_id', 'event_key', name=op.f('uq_action_runs_rule_id_event_key'))
    )
    with op.batch_alter_table('action_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_runs_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_action_runs_rule_id', ['rule_id', 'id'], unique=False)

    op.create_table('action_conversation_timers',
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('waiting_for', sa.String(length=8), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('since_seq', sa.Integer(), nullable=False),
    sa.Column('seen_seq', sa.Integer(), nullable=False),
    sa.Column('awaiting_first_response', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_action_conversation_timers_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_action_conversation_timers_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_action_conversation_timers'))
    )
    with op.batch_alter_table('action_conversation_timers', schema=None) as batch_op:
        batch_op.create_index('ix_action_timers_due', ['project_id', 'waiting_for', 'since'], unique=False)


def downgrade():
    with op.batch_alter_table('action_conversation_timers', schema=None) as batch_op:
        batch_op.drop_index('ix_action_timers_due')

    op.drop_table('action_conversation_timers')
    with op.batch_alter_table('action_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_action_runs_rule_id')
        batch_op.drop_index(batch_op.f('ix_action_runs_project_id'))

    op.drop_table('action_runs')
    with op.batch_alter_table('action_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_action_rules_project_trigger')

    op.drop_table('action_rules')

