"""Chapters in the store: the ordered parts of a project.

A project's segments keep one order across the whole project (`Segment.position`, 0..n-1), and the
segments of a chapter always follow each other in it, chapter after chapter: every change here
renumbers the project's segments by (chapter position, segment position) to keep it so.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from narrator_app.store.models import BookCover, Chapter, Project, Segment
from narrator_app.store.records import BookDetails, ChapterRecord

_BOOK_FIELDS = ("title", "author", "narrator", "year", "genre", "description", "language")


def new_chapter(session: Session, project_id: int, title: str, position: int | None = None) -> Chapter:
    """A chapter at `position` (the end by default), the ones from there on moved down."""
    last = session.scalar(select(func.max(Chapter.position)).where(Chapter.project_id == project_id))
    end = 0 if last is None else last + 1
    place = end if position is None else max(0, min(position, end))
    if place < end:
        session.execute(
            update(Chapter)
            .where(Chapter.project_id == project_id, Chapter.position >= place)
            .values(position=Chapter.position + 1)
        )
    row = Chapter(project_id=project_id, position=place, title=title)
    session.add(row)
    session.flush()
    return row


def last_chapter(session: Session, project_id: int) -> int:
    """The id of the project's last chapter, made (named after the project) if it has none."""
    found = session.scalar(
        select(Chapter.id).where(Chapter.project_id == project_id).order_by(Chapter.position.desc()).limit(1)
    )
    if found is not None:
        return int(found)
    name = session.scalar(select(Project.name).where(Project.id == project_id)) or ""
    return new_chapter(session, project_id, name).id


def chapter_for_insert(session: Session, project_id: int, position: int) -> int:
    """The chapter a segment inserted at `position` joins: that of the segment before it, else of the
    segment it goes before, else the first chapter."""
    for place in (position - 1, position):
        if place < 0:
            continue
        found = session.scalar(
            select(Segment.chapter_id).where(Segment.project_id == project_id, Segment.position == place)
        )
        if found is not None:
            return int(found)
    first = session.scalar(
        select(Chapter.id).where(Chapter.project_id == project_id).order_by(Chapter.position).limit(1)
    )
    return int(first) if first is not None else last_chapter(session, project_id)


def renumber(session: Session, project_id: int) -> None:
    """Give the project's segments positions 0..n-1 in (chapter position, segment position) order."""
    rows = session.execute(
        select(Segment.id, Segment.position)
        .join(Chapter, Chapter.id == Segment.chapter_id)
        .where(Segment.project_id == project_id)
        .order_by(Chapter.position, Segment.position)
    )
    moves = [{"id": i, "position": n} for n, (i, position) in enumerate(rows) if position != n]
    if moves:
        session.execute(update(Segment), moves)


def _renumber_chapters(session: Session, project_id: int) -> None:
    ids = session.scalars(
        select(Chapter.id).where(Chapter.project_id == project_id).order_by(Chapter.position, Chapter.id)
    )
    moves = [{"id": i, "position": n} for n, i in enumerate(ids)]
    if moves:
        session.execute(update(Chapter), moves)


class Chapters:
    """Reads and writes of chapters and book details, each in its own short Session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def of(self, project_id: int) -> list[ChapterRecord]:
        """The project's chapters in order, with their numbers of segments."""
        with self._sessions() as session:
            counts = (
                select(Segment.chapter_id, func.count(Segment.id).label("n"))
                .where(Segment.project_id == project_id)
                .group_by(Segment.chapter_id)
                .subquery()
            )
            rows = session.execute(
                select(Chapter.id, Chapter.position, Chapter.title, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.chapter_id == Chapter.id)
                .where(Chapter.project_id == project_id)
                .order_by(Chapter.position)
            )
            return [ChapterRecord(i, project_id, position, title, int(n)) for i, position, title, n in rows]

    def get(self, chapter_id: int) -> ChapterRecord | None:
        with self._sessions() as session:
            row = session.get(Chapter, chapter_id)
            if row is None:
                return None
            count = session.scalar(select(func.count(Segment.id)).where(Segment.chapter_id == chapter_id))
            return ChapterRecord(row.id, row.project_id, row.position, row.title, int(count or 0))

    def add(self, project_id: int, title: str, position: int | None = None) -> ChapterRecord:
        with self._sessions.begin() as session:
            row = new_chapter(session, project_id, title, position)
            return ChapterRecord(row.id, project_id, row.position, row.title, 0)

    def rename(self, chapter_id: int, title: str) -> ChapterRecord | None:
        with self._sessions.begin() as session:
            row = session.get(Chapter, chapter_id)
            if row is None:
                return None
            row.title = title
            return ChapterRecord(row.id, row.project_id, row.position, row.title)

    def move(self, chapter_id: int, position: int) -> ChapterRecord | None:
        """Move a chapter (with its segments) to `position` (clamped) among the project's chapters."""
        with self._sessions.begin() as session:
            row = session.get(Chapter, chapter_id)
            if row is None:
                return None
            ids = list(
                session.scalars(
                    select(Chapter.id).where(Chapter.project_id == row.project_id).order_by(Chapter.position)
                )
            )
            ids.remove(chapter_id)
            ids.insert(max(0, min(position, len(ids))), chapter_id)
            session.execute(update(Chapter), [{"id": i, "position": n} for n, i in enumerate(ids)])
            renumber(session, row.project_id)
            session.flush()
            session.refresh(row)
            return ChapterRecord(row.id, row.project_id, row.position, row.title)

    def delete(self, chapter_id: int) -> bool:
        """Delete a chapter and its segments; the others close the gaps."""
        with self._sessions.begin() as session:
            row = session.get(Chapter, chapter_id)
            if row is None:
                return False
            project_id = row.project_id
            session.execute(delete(Segment).where(Segment.chapter_id == chapter_id))
            session.delete(row)
            session.flush()
            _renumber_chapters(session, project_id)
            renumber(session, project_id)
            return True

    def move_segments(self, segment_ids: tuple[int, ...], chapter_id: int) -> int:
        """Move segments (in their order) to the end of a chapter of their project; how many moved."""
        with self._sessions.begin() as session:
            target = session.get(Chapter, chapter_id)
            if target is None:
                return 0
            rows = list(
                session.scalars(
                    select(Segment)
                    .where(Segment.id.in_(segment_ids), Segment.project_id == target.project_id)
                    .order_by(Segment.position)
                )
            )
            top = session.scalar(
                select(func.max(Segment.position)).where(Segment.project_id == target.project_id)
            )
            for n, row in enumerate(rows):
                row.chapter_id = chapter_id
                row.position = (top or 0) + 1 + n  # after everything, then renumbered into its chapter
            session.flush()
            renumber(session, target.project_id)
            return len(rows)

    def add_book(self, project_id: int, chapters: list[tuple[str, list[str]]]) -> list[int]:
        """New chapters at the end, each with its segments, in one transaction; their ids."""
        with self._sessions.begin() as session:
            top = session.scalar(select(func.max(Segment.position)).where(Segment.project_id == project_id))
            position = 0 if top is None else top + 1
            ids: list[int] = []
            for title, texts in chapters:
                chapter = new_chapter(session, project_id, title)
                ids.append(chapter.id)
                session.add_all(
                    Segment(project_id=project_id, chapter_id=chapter.id, position=position + n, text=text)
                    for n, text in enumerate(texts)
                )
                position += len(texts)
            session.flush()
            return ids

    def snapshot(self, project_id: int) -> tuple[tuple[int, str], ...]:
        """The project's chapters in order as (id, title): what an undo step compares."""
        with self._sessions() as session:
            rows = session.execute(
                select(Chapter.id, Chapter.title)
                .where(Chapter.project_id == project_id)
                .order_by(Chapter.position)
            )
            return tuple((i, title) for i, title in rows)

    @staticmethod
    def restore_in(session: Session, project_id: int, chapters: tuple[tuple[int, str], ...]) -> None:
        """Make the project's chapters exactly `chapters` (undo/redo), inside the caller's transaction.
        Segments of chapters that go must already be gone or be moved by the same step."""
        wanted = {i: (n, title) for n, (i, title) in enumerate(chapters)}
        present = {i for (i,) in session.execute(select(Chapter.id).where(Chapter.project_id == project_id))}
        gone = present - wanted.keys()
        # Chapters that come back first: the segments of those that go may be moved into one of them.
        changes: list[dict[str, Any]] = []
        for i, (n, title) in wanted.items():
            if i in present:
                changes.append({"id": i, "position": n, "title": title})
            else:
                session.add(Chapter(id=i, project_id=project_id, position=n, title=title))
        session.flush()
        if gone:
            session.execute(
                update(Segment).where(Segment.chapter_id.in_(gone)).values(chapter_id=chapters[0][0])
            )
            session.execute(delete(Chapter).where(Chapter.id.in_(gone)))
        if changes:
            session.execute(update(Chapter), changes)

    # -- book details -------------------------------------------------------------------------
    def book_details(self, project_id: int) -> BookDetails:
        with self._sessions() as session:
            row = session.get(Project, project_id)
            if row is None:
                return BookDetails()
            cover = session.get(BookCover, project_id)
            return BookDetails(
                **{name: getattr(row, f"book_{name}") or "" for name in _BOOK_FIELDS},
                cover=None if cover is None else cover.data,
            )

    def set_book_details(self, project_id: int, details: BookDetails) -> BookDetails:
        with self._sessions.begin() as session:
            row = session.get(Project, project_id)
            if row is None:
                return BookDetails()
            for name in _BOOK_FIELDS:
                setattr(row, f"book_{name}", getattr(details, name))
            cover = session.get(BookCover, project_id)
            if details.cover is None and cover is not None:
                session.delete(cover)
            elif details.cover is not None and cover is None:
                session.add(BookCover(project_id=project_id, data=details.cover))
            elif details.cover is not None and cover is not None and cover.data != details.cover:
                cover.data = details.cover
            return details
