"""reader login throttling, password caution, session stamps and idle timeouts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reader', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')  # failures are rows of login_failure now
    with op.batch_alter_table('reader_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_stamp', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('idle_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('password_prompt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='prompt'))
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_number', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('sender_id', sa.String(length=128), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=True),
        sa.Column('failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_failure_card', 'login_failure', ['card_number', 'failed_at'])
    op.create_index('ix_login_failure_conversation', 'login_failure',
                    ['channel', 'sender_id', 'failed_at'])
    op.create_index('ix_login_failure_client', 'login_failure', ['client', 'failed_at'])


def downgrade() -> None:
    op.drop_table('login_failure')
    with op.batch_alter_table('password_prompt', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('reader_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('idle_seconds')
        batch_op.drop_column('credential_stamp')
    with op.batch_alter_table('reader', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
