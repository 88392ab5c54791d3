"""Take settings per project: how many takes a segment keeps (5) and the auto-trim margin (NULL: off).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A constant default and a nullable column: SQLite adds both in place, no copy of the table.
    op.add_column("projects", sa.Column("take_limit", sa.Integer(), nullable=False, server_default="5"))
    op.add_column("projects", sa.Column("auto_trim_margin", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("auto_trim_margin")
        batch.drop_column("take_limit")
