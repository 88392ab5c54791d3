"""The pronunciation lexicon: entries global (project_id NULL) or a project's own.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "lexicon_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("word", sa.String(length=500), nullable=False),
        sa.Column("word_key", sa.String(length=500), nullable=False),
        sa.Column("say", sa.Text(), nullable=True),
        sa.Column("ipa", sa.Text(), nullable=True),
        sa.Column("case_sensitive", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    # SQLite sees NULLs as distinct in a unique index: global entries have a partial index of their own.
    op.create_index(
        "ux_lexicon_entries_global_word",
        "lexicon_entries",
        ["word_key", "case_sensitive"],
        unique=True,
        sqlite_where=sa.text("project_id IS NULL"),
    )
    op.create_index(
        "ux_lexicon_entries_project_word",
        "lexicon_entries",
        ["project_id", "word_key", "case_sensitive"],
        unique=True,
        sqlite_where=sa.text("project_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_lexicon_entries_project_word", table_name="lexicon_entries")
    op.drop_index("ux_lexicon_entries_global_word", table_name="lexicon_entries")
    op.drop_table("lexicon_entries")
