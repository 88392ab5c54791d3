"""Baseline: the schema of the first release (databases stamped PRAGMA user_version = 1).

Written out by hand, not taken from models.py, so it stays what the first release created even
when the models change. Databases made before Alembic are stamped with this revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "global_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_voice_id", sa.String(length=100), nullable=True),
        sa.Column("tts_speed", sa.Float(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_locked", sa.Boolean(), nullable=False),
        sa.Column("audio_file", sa.String(length=500), nullable=True),
        sa.Column("audio_duration", sa.Float(), nullable=True),
        sa.Column("audio_fingerprint", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_segments_project_id", "segments", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_segments_project_id", table_name="segments")
    op.drop_table("segments")
    op.drop_table("global_settings")
    op.drop_table("projects")
