"""Per-segment voice (NULL: the global voice) and the execution provider setting (cpu or cuda).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("segments", sa.Column("voice", sa.String(length=200), nullable=True))
    op.add_column(
        "global_settings",
        sa.Column("execution_provider", sa.String(length=20), nullable=False, server_default="cpu"),
    )


def downgrade() -> None:
    with op.batch_alter_table("global_settings") as batch:
        batch.drop_column("execution_provider")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("voice")
