"""Where each spoken chunk of a segment's audio starts and ends (for a subtitle cue per sentence).

`segments.audio_timings`: JSON `[[start s, end s, text], ...]` recorded with the audio when it is
rendered; NULL when unknown (audio from before this revision, or a take made current).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A nullable column without a default: SQLite adds it in place, no copy of the table.
    op.add_column("segments", sa.Column("audio_timings", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("audio_timings")
