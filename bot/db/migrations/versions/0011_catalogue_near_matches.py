"""catalogue index with near-match keys (title and author character and pinyin pairs),
summaries and edition numbers: search_text recomputed for every record

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:30:00
"""

import sqlalchemy as sa
from alembic import op

from bot.services.search_text import index_text

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BATCH = 2000
RECORD = sa.table("bib_record", sa.column("id", sa.Integer), sa.column("title"),
                  sa.column("author"), sa.column("publisher"), sa.column("subjects"),
                  sa.column("summary"), sa.column("search_text"))


def upgrade() -> None:
    # The triggers (SQLite FTS5) and the generated column (PostgreSQL) follow search_text.
    connection = op.get_bind()
    last = 0
    while rows := connection.execute(
        sa.select(RECORD).where(RECORD.c.id > last).order_by(RECORD.c.id).limit(BATCH)
    ).all():
        connection.execute(
            RECORD.update().where(RECORD.c.id == sa.bindparam("record_id")),
            [{"record_id": row.id,
              "search_text": index_text(row.title, row.author or "", row.publisher or "",
                                        row.subjects or "", row.summary or "")}
             for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    """The older index text is a subset of this one: searches keep working."""
