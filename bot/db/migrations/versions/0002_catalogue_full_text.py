"""Full-text index over bib_record.search_text (jieba-segmented text).

SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a generated tsvector
column ('simple' configuration: the text is already segmented) with a GIN index.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE bib_fts USING fts5("
    "search_text, content='bib_record', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER bib_fts_insert AFTER INSERT ON bib_record BEGIN "
    "INSERT INTO bib_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER bib_fts_delete AFTER DELETE ON bib_record BEGIN "
    "INSERT INTO bib_fts(bib_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER bib_fts_update AFTER UPDATE OF search_text ON bib_record BEGIN "
    "INSERT INTO bib_fts(bib_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO bib_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO bib_fts(bib_fts) VALUES ('rebuild')",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER bib_fts_update",
    "DROP TRIGGER bib_fts_delete",
    "DROP TRIGGER bib_fts_insert",
    "DROP TABLE bib_fts",
]
POSTGRESQL_UPGRADE = [
    "ALTER TABLE bib_record ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX ix_bib_record_search ON bib_record USING gin (search_vector)",
]
POSTGRESQL_DOWNGRADE = [
    "DROP INDEX ix_bib_record_search",
    "ALTER TABLE bib_record DROP COLUMN search_vector",
]


def _run(statements_by_dialect: dict[str, list[str]]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in statements_by_dialect[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE})
