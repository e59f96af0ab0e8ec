"""Alembic environment: central hands over an open connection (see migrate.py)."""

from alembic import context

from postguard.central.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True
)  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
