"""Direction per segment: its own speed (NULL: the global speed) and pause after it (NULL: the
export's gap).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Nullable columns without a default: SQLite adds them in place, no copy of the table.
    op.add_column("segments", sa.Column("speed", sa.Float(), nullable=True))
    op.add_column("segments", sa.Column("pause_after", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("pause_after")
        batch.drop_column("speed")
