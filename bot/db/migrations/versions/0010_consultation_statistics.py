"""consultation events and daily aggregates for statistics

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('conversation', sa.String(length=24), nullable=False),
    sa.Column('new_conversation', sa.Boolean(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('faq_key', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('reply_ms', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation_event', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_event_conversation', ['conversation', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_event_day'), ['day'], unique=False)

    op.create_table('consultation_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('conversations', sa.Integer(), nullable=False),
    sa.Column('reply_ms', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'channel', 'outcome')
    )
    with op.batch_alter_table('consultation_daily', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_daily_day'), ['day'], unique=False)

    op.create_table('consultation_hourly',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'hour')
    )
    with op.batch_alter_table('consultation_hourly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_hourly_day'), ['day'], unique=False)

    op.create_table('consultation_daily_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('faq_key', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('rated_up', sa.Integer(), nullable=False),
    sa.Column('rated_down', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'kind', 'faq_key', 'outcome')
    )
    with op.batch_alter_table('consultation_daily_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_daily_topic_day'), ['day'], unique=False)

    op.create_table('consultation_aggregated_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('aggregated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )


def downgrade() -> None:
    op.drop_table('consultation_aggregated_day')
    with op.batch_alter_table('consultation_daily_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_daily_topic_day'))
    op.drop_table('consultation_daily_topic')
    with op.batch_alter_table('consultation_hourly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_hourly_day'))
    op.drop_table('consultation_hourly')
    with op.batch_alter_table('consultation_daily', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_daily_day'))
    op.drop_table('consultation_daily')
    with op.batch_alter_table('consultation_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_event_day'))
        batch_op.drop_index('ix_consultation_event_conversation')
    op.drop_table('consultation_event')
