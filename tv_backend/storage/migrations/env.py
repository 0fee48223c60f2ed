"""Alembic environment: the connection comes from the caller (``storage.db.upgrade``)."""

from alembic import context

from tv_backend.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
