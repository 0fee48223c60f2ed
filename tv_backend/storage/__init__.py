"""Storage: SQL (SQLAlchemy 2 + Alembic) and the cache, each behind a small interface."""
