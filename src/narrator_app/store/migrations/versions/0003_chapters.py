"""Chapters: every segment belongs to one; a project's existing segments go into one chapter named
after the project. Book details (title, author, narrator, year, genre, description, language) on the
project.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_BOOK_COLUMNS = (
    ("book_title", sa.String(length=500)),
    ("book_author", sa.String(length=500)),
    ("book_narrator", sa.String(length=500)),
    ("book_year", sa.String(length=20)),
    ("book_genre", sa.String(length=200)),
    ("book_description", sa.Text()),
    ("book_language", sa.String(length=35)),
)


def upgrade() -> None:
    op.create_table(
        "chapters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_chapters_project_id", "chapters", ["project_id"])
    for name, type_ in _BOOK_COLUMNS:
        op.add_column("projects", sa.Column(name, type_, nullable=False, server_default=""))
    # One chapter per project, named after it, holding all of its segments.
    op.execute(
        "INSERT INTO chapters (project_id, position, title, created_at) "
        "SELECT id, 0, name, CURRENT_TIMESTAMP FROM projects"
    )
    # The segments table is made again (SQLite cannot add a NOT NULL foreign key in place): keep it
    # AUTOINCREMENT, and keep its sequence, so that ids of deleted segments are still never reused.
    sequence = (
        op.get_bind().execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'segments'")).scalar()
    )
    op.add_column("segments", sa.Column("chapter_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE segments SET chapter_id = "
        "(SELECT chapters.id FROM chapters WHERE chapters.project_id = segments.project_id)"
    )
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("chapter_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_segments_chapter_id_chapters", "chapters", ["chapter_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_segments_chapter_id", ["chapter_id"])
    if sequence is not None:
        op.execute(
            sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'segments'").bindparams(seq=sequence)
        )


def downgrade() -> None:
    with op.batch_alter_table("segments", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_segments_chapter_id")
        batch.drop_constraint("fk_segments_chapter_id_chapters", type_="foreignkey")
        batch.drop_column("chapter_id")
    with op.batch_alter_table("projects") as batch:
        for name, _type in _BOOK_COLUMNS:
            batch.drop_column(name)
    op.drop_index("ix_chapters_project_id", table_name="chapters")
    op.drop_table("chapters")
