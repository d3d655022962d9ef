"""Library schema: branches and hours, catalogue, readers, holds, spaces, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 13:15:36.057676
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bib_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('isbn', sa.String(length=13), nullable=True),
    sa.Column('clc', sa.String(length=40), nullable=False),
    sa.Column('call_number', sa.String(length=60), nullable=False),
    sa.Column('subjects', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bib_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bib_record_isbn'), ['isbn'], unique=False)

    op.create_table('branch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('transport', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('aliases', sa.String(length=300), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('card_type',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('max_active_holds', sa.Integer(), nullable=False),
    sa.Column('max_loans', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('password_prompt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('card_number', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'sender_id')
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('series', sa.String(length=60), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('audience', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('signed_up', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bib_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['bib_id'], ['bib_record.id'], ),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('barcode')
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_bib_id'), ['bib_id'], unique=False)
        batch_op.create_index('ix_item_bib_status', ['bib_id', 'status'], unique=False)

    op.create_table('reader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_number', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('card_type_code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['card_type_code'], ['card_type.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('card_number')
    )
    op.create_table('space',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('special_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=True),
    sa.Column('closes', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('special_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_day_day'), ['day'], unique=False)

    op.create_table('weekly_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('branch_id', 'weekday')
    )
    op.create_table('reader_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reader_id'], ['reader.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'sender_id')
    )
    op.create_table('reservation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('bib_id', sa.Integer(), nullable=False),
    sa.Column('pickup_branch_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('pickup_deadline', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['bib_id'], ['bib_record.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['pickup_branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['reader_id'], ['reader.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.create_index('ix_reservation_queue', ['bib_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservation_reader_id'), ['reader_id'], unique=False)
        batch_op.create_index('uq_reservation_active', ['reader_id', 'bib_id'], unique=True, sqlite_where=sa.text("status IN ('waiting', 'ready')"), postgresql_where=sa.text("status IN ('waiting', 'ready')"))

    op.create_table('space_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('space_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_slot_space_id'), ['space_id'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['reader_id'], ['reader.id'], ),
    sa.ForeignKeyConstraint(['slot_id'], ['space_slot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_reader_id'), ['reader_id'], unique=False)
        batch_op.create_index('uq_booking_event', ['reader_id', 'event_id'], unique=True, sqlite_where=sa.text("status = 'active' AND event_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND event_id IS NOT NULL"))
        batch_op.create_index('uq_booking_slot', ['reader_id', 'slot_id'], unique=True, sqlite_where=sa.text("status = 'active' AND slot_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND slot_id IS NOT NULL"))



def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_slot', sqlite_where=sa.text("status = 'active' AND slot_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND slot_id IS NOT NULL"))
        batch_op.drop_index('uq_booking_event', sqlite_where=sa.text("status = 'active' AND event_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND event_id IS NOT NULL"))
        batch_op.drop_index(batch_op.f('ix_booking_reader_id'))

    op.drop_table('booking')
    with op.batch_alter_table('space_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_slot_space_id'))

    op.drop_table('space_slot')
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.drop_index('uq_reservation_active', sqlite_where=sa.text("status IN ('waiting', 'ready')"), postgresql_where=sa.text("status IN ('waiting', 'ready')"))
        batch_op.drop_index(batch_op.f('ix_reservation_reader_id'))
        batch_op.drop_index('ix_reservation_queue')

    op.drop_table('reservation')
    op.drop_table('reader_session')
    op.drop_table('weekly_hours')
    with op.batch_alter_table('special_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_day_day'))

    op.drop_table('special_day')
    op.drop_table('space')
    op.drop_table('reader')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_bib_status')
        batch_op.drop_index(batch_op.f('ix_item_bib_id'))

    op.drop_table('item')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))

    op.drop_table('event')
    op.drop_table('password_prompt')
    op.drop_table('card_type')
    op.drop_table('branch')
    with op.batch_alter_table('bib_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bib_record_isbn'))

    op.drop_table('bib_record')
