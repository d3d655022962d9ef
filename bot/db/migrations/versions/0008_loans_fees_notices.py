"""loans, fees and reader notices

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OPEN_LOAN = sa.text("returned_at IS NULL")
CARD_RULES = (
    ('loan_days', '30'), ('max_renewals', '1'), ('renewal_days', '30'),
    ('max_overdue_days_to_renew', '0'), ('fine_cents_per_day', '10'),
)


def upgrade() -> None:
    with op.batch_alter_table('card_type', schema=None) as batch_op:
        for name, default in CARD_RULES:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default=default))
    op.create_table(
        'loan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('loaned_on', sa.Date(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('renewals', sa.Integer(), nullable=False),
        sa.Column('returned_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['item.id']),
        sa.ForeignKeyConstraint(['reader_id'], ['reader.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_loan_reader', 'loan', ['reader_id', 'returned_at'])
    op.create_index('ix_loan_due', 'loan', ['returned_at', 'due_date'])
    op.create_index('uq_loan_open_item', 'loan', ['item_id'], unique=True,
                    sqlite_where=OPEN_LOAN, postgresql_where=OPEN_LOAN)
    op.create_table(
        'fee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['reader_id'], ['reader.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_fee_reader_id', 'fee', ['reader_id'])
    op.create_table(
        'reader_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('subject_key', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=True),
        sa.Column('recipient', sa.String(length=128), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reader_id'], ['reader.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'subject_id', 'subject_key'),
    )
    op.create_index('ix_reader_notice_waiting', 'reader_notice', ['reader_id', 'status'])
    op.create_table(
        'notice_subscription',
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reader_id'], ['reader.id']),
        sa.PrimaryKeyConstraint('reader_id'),
    )


def downgrade() -> None:
    op.drop_table('notice_subscription')
    op.drop_index('ix_reader_notice_waiting', table_name='reader_notice')
    op.drop_table('reader_notice')
    op.drop_index('ix_fee_reader_id', table_name='fee')
    op.drop_table('fee')
    op.drop_index('uq_loan_open_item', table_name='loan', sqlite_where=OPEN_LOAN,
                  postgresql_where=OPEN_LOAN)
    op.drop_index('ix_loan_due', table_name='loan')
    op.drop_index('ix_loan_reader', table_name='loan')
    op.drop_table('loan')
    with op.batch_alter_table('card_type', schema=None) as batch_op:
        for name, _ in reversed(CARD_RULES):
            batch_op.drop_column(name)
