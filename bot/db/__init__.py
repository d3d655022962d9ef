"""The library's database: SQLAlchemy models, engine, and Alembic migrations.

SQLite is the embedded default; the same code runs on PostgreSQL.
"""
