"""Each take keeps where its sentences are (`takes.timings`), so the subtitle cues follow the take in use.

`takes.timings`: the same JSON as `segments.audio_timings` (which keeps the copy of the current take's,
as it keeps its file). The current take of every segment gets the segment's timings: recorded with its
audio, they are that take's. Other takes' stay NULL (unknown: rendered before this revision).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A nullable column without a default: SQLite adds it in place, no copy of the table.
    op.add_column("takes", sa.Column("timings", sa.Text(), nullable=True))
    op.execute(
        "UPDATE takes SET timings = (SELECT s.audio_timings FROM segments AS s "
        "WHERE s.current_take_id = takes.id AND s.audio_file = takes.audio_file) "
        "WHERE id IN (SELECT current_take_id FROM segments WHERE current_take_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("takes", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("timings")
