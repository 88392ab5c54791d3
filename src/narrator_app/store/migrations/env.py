"""Alembic environment: always online, on the connection `open_database` hands over.

The caller owns the transaction (BEGIN IMMEDIATE ... COMMIT), so a migration is all or nothing
even if the process is killed half way.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from narrator_app.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("Narrator's migrations run only through narrator_app.store.database")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite can add a column but not alter or drop one: batch mode copies the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
