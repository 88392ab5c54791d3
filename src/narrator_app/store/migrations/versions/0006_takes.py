"""Takes: every render of a segment kept, one of them current; a non-destructive trim per take.

A segment that has audio gets take 1 = that audio (same file, duration and fingerprint; voice and
speed read from the fingerprint), and it becomes the segment's current take.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_HAS_AUDIO = "audio_file IS NOT NULL AND audio_duration IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "takes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("audio_file", sa.String(length=500), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=True),
        sa.Column("voice", sa.String(length=200), nullable=True),
        sa.Column("speed", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("trim_start", sa.Float(), nullable=False, server_default="0"),
        sa.Column("trim_end", sa.Float(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ux_takes_segment_number", "takes", ["segment_id", "number"], unique=True)
    # The foreign key to takes needs the segments table made again (SQLite cannot add a constraint),
    # as in 0003: keep it AUTOINCREMENT and keep its sequence, so ids of deleted segments are never
    # reused. (An inline REFERENCES added by ALTER TABLE would work in SQLite, but SQLAlchemy does not
    # reflect its ON DELETE, so a later batch migration would silently lose the SET NULL.)
    sequence = (
        op.get_bind().execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'segments'")).scalar()
    )
    op.add_column("segments", sa.Column("current_take_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.create_foreign_key(
            "fk_segments_current_take_id_takes", "takes", ["current_take_id"], ["id"], ondelete="SET NULL"
        )
    if sequence is not None:
        op.execute(
            sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'segments'").bindparams(seq=sequence)
        )
    op.add_column("segments", sa.Column("last_take", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "INSERT INTO takes (segment_id, number, audio_file, duration, fingerprint, voice, speed, "
        "created_at, trim_start, trim_end) "
        "SELECT id, 1, audio_file, audio_duration, audio_fingerprint, "
        "CASE WHEN json_valid(audio_fingerprint) AND json_type(audio_fingerprint, '$.voice') = 'text' "
        "THEN json_extract(audio_fingerprint, '$.voice') END, "
        "CASE WHEN json_valid(audio_fingerprint) "
        "AND json_type(audio_fingerprint, '$.speed') IN ('real', 'integer') "
        "THEN json_extract(audio_fingerprint, '$.speed') END, "
        f"CURRENT_TIMESTAMP, 0, 0 FROM segments WHERE {_HAS_AUDIO}"
    )
    op.execute(
        "UPDATE segments SET last_take = 1, current_take_id = "
        f"(SELECT takes.id FROM takes WHERE takes.segment_id = segments.id) WHERE {_HAS_AUDIO}"
    )


def downgrade() -> None:
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("last_take")
        batch.drop_constraint("fk_segments_current_take_id_takes", type_="foreignkey")
        batch.drop_column("current_take_id")
    op.drop_index("ux_takes_segment_number", table_name="takes")
    op.drop_table("takes")
