"""The repository: every read and write of the store, each in its own short Session.

Safe to call from any thread: a Session lives only inside one method call, and what comes
out are frozen records.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, func, select, update
from sqlalchemy.orm import Session

from narrator_app.store.chapters import Chapters, chapter_for_insert, last_chapter, new_chapter, renumber
from narrator_app.store.database import Database
from narrator_app.store.lexicon import LexiconStore
from narrator_app.store.models import GlobalSettings, Project, Segment, Take, utcnow
from narrator_app.store.records import ProjectRecord, SegmentRecord, SettingsRecord, TakeRecord
from narrator_app.store.takes import TakeStore, restore_in

DEFAULT_PROJECT_NAME = "Default"


class Keep(Enum):
    """A value of set_segment_direction that means "leave it as it is" (None means "clear it")."""

    KEEP = "keep"


KEEP = Keep.KEEP
_SETTINGS_ID = 1
SQLITE_MIN_ID, SQLITE_MAX_ID = -(2**63), 2**63 - 1  # the range of an SQLite INTEGER


def _segment_record(row: Segment) -> SegmentRecord:
    return SegmentRecord(
        id=row.id,
        project_id=row.project_id,
        position=row.position,
        text=row.text,
        is_locked=row.is_locked,
        audio_file=row.audio_file,
        audio_duration=row.audio_duration,
        audio_fingerprint=row.audio_fingerprint,
        created_at=row.created_at,
        updated_at=row.updated_at,
        voice=row.voice,
        chapter_id=row.chapter_id,
        speed=row.speed,
        pause_after=row.pause_after,
        audio_timings=row.audio_timings,
    )


def _settings_record(row: GlobalSettings) -> SettingsRecord:
    return SettingsRecord(
        default_voice_id=row.default_voice_id,
        tts_speed=row.tts_speed,
        language=row.language,
        execution_provider=row.execution_provider or "cpu",
    )


def _chunks(ids: tuple[int, ...], size: int = 500) -> list[tuple[int, ...]]:
    """Ids in slices small enough for one SQL IN list (SQLite limits the number of parameters)."""
    return [ids[n : n + size] for n in range(0, len(ids), size)]


class Repository:
    def __init__(self, database: Database) -> None:
        self._sessions = database.sessions
        self.chapters = Chapters(database.sessions)
        self.lexicon = LexiconStore(database.sessions)
        self.takes = TakeStore(database.sessions)

    # -- projects ---------------------------------------------------------------------------
    def ensure_project(self, name: str = DEFAULT_PROJECT_NAME) -> ProjectRecord:
        with self._sessions.begin() as session:
            project = session.scalar(select(Project).where(Project.name == name))
            if project is None:
                project = Project(name=name)
                session.add(project)
                session.flush()
                new_chapter(session, project.id, project.name)
            return ProjectRecord(id=project.id, name=project.name)

    def list_projects(self) -> list[tuple[ProjectRecord, int]]:
        """Every project with its number of segments, by name."""
        with self._sessions() as session:
            counts = (
                select(Segment.project_id, func.count(Segment.id).label("n"))
                .group_by(Segment.project_id)
                .subquery()
            )
            rows = session.execute(
                select(Project.id, Project.name, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.project_id == Project.id)
                .order_by(func.lower(Project.name))
            )
            return [(ProjectRecord(id=pid, name=name), int(n)) for pid, name, n in rows]

    def get_project(self, project_id: int) -> ProjectRecord | None:
        with self._sessions() as session:
            row = session.get(Project, project_id)
            return None if row is None else ProjectRecord(id=row.id, name=row.name)

    def find_project(self, name: str) -> ProjectRecord | None:
        """By name, ignoring case."""
        with self._sessions() as session:
            row = session.scalar(select(Project).where(func.lower(Project.name) == name.lower()))
            return None if row is None else ProjectRecord(id=row.id, name=row.name)

    def create_project(self, name: str) -> ProjectRecord:
        with self._sessions.begin() as session:
            row = Project(name=name)
            session.add(row)
            session.flush()
            new_chapter(session, row.id, name)
            return ProjectRecord(id=row.id, name=row.name)

    def rename_project(self, project_id: int, name: str) -> ProjectRecord | None:
        with self._sessions.begin() as session:
            row = session.get(Project, project_id)
            if row is None:
                return None
            row.name = name
            return ProjectRecord(id=row.id, name=row.name)

    def delete_project(self, project_id: int) -> bool:
        """Delete the project and (cascade) its segments."""
        with self._sessions.begin() as session:
            row = session.get(Project, project_id)
            if row is None:
                return False
            session.delete(row)
            return True

    # -- segments ---------------------------------------------------------------------------
    def list_segments(self, project_id: int) -> list[SegmentRecord]:
        with self._sessions() as session:
            rows = session.scalars(
                select(Segment).where(Segment.project_id == project_id).order_by(Segment.position)
            )
            return [_segment_record(row) for row in rows]

    def get_segment(self, segment_id: int) -> SegmentRecord | None:
        if not SQLITE_MIN_ID <= segment_id <= SQLITE_MAX_ID:
            return None  # beyond SQLite's integers (2**63): no such segment, not an OverflowError
        with self._sessions() as session:
            row = session.get(Segment, segment_id)
            return None if row is None else _segment_record(row)

    def get_segments(self, segment_ids: tuple[int, ...]) -> list[SegmentRecord]:
        """The segments with these ids that exist, in one query."""
        with self._sessions() as session:
            return [
                _segment_record(row)
                for chunk in _chunks(segment_ids)
                for row in session.scalars(select(Segment).where(Segment.id.in_(chunk)))
            ]

    def add_segment(
        self, project_id: int, text: str, *, locked: bool = False, chapter_id: int | None = None
    ) -> SegmentRecord:
        (record,) = self.add_segments(project_id, [text], locked=locked, chapter_id=chapter_id)
        return record

    def add_segments(
        self, project_id: int, texts: list[str], *, locked: bool = False, chapter_id: int | None = None
    ) -> list[SegmentRecord]:
        """Append segments at the end of a chapter (the project's last one by default), in order, in
        one transaction (all or nothing)."""
        with self._sessions.begin() as session:
            chapter = chapter_id if chapter_id is not None else last_chapter(session, project_id)
            last = session.scalar(select(func.max(Segment.position)).where(Segment.project_id == project_id))
            start = 0 if last is None else last + 1
            rows = [
                Segment(
                    project_id=project_id,
                    chapter_id=chapter,
                    position=start + n,
                    text=text,
                    is_locked=locked,
                )
                for n, text in enumerate(texts)
            ]
            session.add_all(rows)
            session.flush()
            renumber(session, project_id)
            return [_segment_record(row) for row in rows]

    def update_segment(
        self, segment_id: int, *, text: str | None = None, locked: bool | None = None
    ) -> SegmentRecord | None:
        """Change the text and/or the lock; None when the segment does not exist."""
        with self._sessions.begin() as session:
            row = session.get(Segment, segment_id)
            if row is None:
                return None
            changed = False
            if text is not None and text != row.text:
                row.text = text
                changed = True
            if locked is not None and locked != row.is_locked:
                row.is_locked = locked
                changed = True
            if changed:
                row.updated_at = utcnow()
                session.flush()
            return _segment_record(row)

    def set_segment_voice(self, segment_id: int, voice: str | None) -> SegmentRecord | None:
        """Give a segment its own voice (or blend), or None for the global voice; None when the
        segment does not exist. Validation is the caller's."""
        with self._sessions.begin() as session:
            row = session.get(Segment, segment_id)
            if row is None:
                return None
            if row.voice != voice:
                row.voice = voice
                row.updated_at = utcnow()
                session.flush()
            return _segment_record(row)

    def set_segment_direction(
        self,
        segment_id: int,
        *,
        speed: float | None | Keep = KEEP,
        pause_after: float | None | Keep = KEEP,
    ) -> SegmentRecord | None:
        """Set a segment's own speed and/or pause after it; None clears a value (the global speed,
        the export's gap), KEEP (the default) leaves it. None when the segment does not exist.
        Validation (speed 0.5-2.0, a pause >= 0) is the caller's."""
        with self._sessions.begin() as session:
            row = session.get(Segment, segment_id)
            if row is None:
                return None
            changed = False
            if not isinstance(speed, Keep) and row.speed != speed:
                row.speed = speed
                changed = True
            if not isinstance(pause_after, Keep) and row.pause_after != pause_after:
                row.pause_after = pause_after
                changed = True
            if changed:
                row.updated_at = utcnow()
                session.flush()
            return _segment_record(row)

    def delete_segment(self, segment_id: int) -> SegmentRecord | None:
        """Delete a segment and close the gap in positions; returns what was deleted."""
        with self._sessions.begin() as session:
            row = session.get(Segment, segment_id)
            if row is None:
                return None
            record = _segment_record(row)
            session.delete(row)
            session.execute(
                update(Segment)
                .where(Segment.project_id == record.project_id)
                .where(Segment.position > record.position)
                .values(position=Segment.position - 1)
            )
            return record

    def insert_segment(
        self, project_id: int, position: int, text: str, *, chapter_id: int | None = None
    ) -> SegmentRecord:
        """A new segment at `position`; the ones from there on move down one place. It joins the chapter
        of the segment before it (the first chapter at the top), unless `chapter_id` says otherwise."""
        with self._sessions.begin() as session:
            chapter = (
                chapter_id if chapter_id is not None else chapter_for_insert(session, project_id, position)
            )
            self._shift(session, project_id, position, +1)
            row = Segment(
                project_id=project_id, chapter_id=chapter, position=position, text=text, is_locked=False
            )
            session.add(row)
            session.flush()
            return _segment_record(row)

    def move_segment(self, segment_id: int, position: int) -> SegmentRecord | None:
        """Move a segment to `position` (clamped), shifting the ones in between. It joins the chapter it
        lands in; one step across a chapter's edge only changes its chapter (the first segment of a
        chapter moved up becomes the last of the chapter before)."""
        with self._sessions.begin() as session:
            row = session.get(Segment, segment_id)
            if row is None:
                return None
            order = list(
                session.execute(
                    select(Segment.id, Segment.chapter_id)
                    .where(Segment.project_id == row.project_id)
                    .order_by(Segment.position)
                )
            )
            old = row.position
            target = max(0, min(position, len(order) - 1))
            if abs(target - old) == 1 and order[target][1] != row.chapter_id:
                row.chapter_id = order[target][1]  # across the edge: same place, the next chapter
                session.flush()
                return _segment_record(row)
            if target != old:
                if target > old:
                    self._shift(session, row.project_id, old + 1, -1, upto=target)
                else:
                    self._shift(session, row.project_id, target, +1, upto=old - 1)
                row.position = target
                row.chapter_id = order[target][1]  # the chapter of the segment it took the place of
                session.flush()
            return _segment_record(row)

    def snapshot(self, project_id: int) -> list[tuple[int, str, bool, int]]:
        """The project's rows in order as (id, text, locked, chapter id): what an undo step compares.
        Much cheaper than list_segments (no ORM objects, no dates)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Segment.id, Segment.text, Segment.is_locked, Segment.chapter_id)
                .where(Segment.project_id == project_id)
                .order_by(Segment.position)
            )
            return [(i, text, bool(locked), chapter) for i, text, locked, chapter in rows]

    def apply_step(
        self,
        project_id: int,
        *,
        remove: tuple[int, ...] = (),
        restore: tuple[SegmentRecord, ...] = (),
        updates: tuple[tuple[int, str, bool, int], ...] = (),
        order: tuple[int, ...] = (),
        chapters: tuple[tuple[int, str], ...] | None = None,
        takes: tuple[TakeRecord, ...] = (),
    ) -> None:
        """Undo or redo one edit in one transaction: make the project's chapters `chapters` (ids and
        titles, in order; chapters not listed are deleted, listed ones that are gone come back with
        their ids), delete rows, bring rows back with their ids (and audio columns), set text, lock
        and chapter, and give the project's rows the positions of `order`. `takes`: the takes of the rows
        brought back (TakeStore.of before the delete), restored with them; the current one current again."""
        now = utcnow()
        with self._sessions.begin() as session:
            if chapters is not None:
                self.chapters.restore_in(session, project_id, chapters)
            for chunk in _chunks(remove):
                session.execute(delete(Segment).where(Segment.id.in_(chunk)))
            for record in restore:
                session.add(
                    Segment(
                        id=record.id,
                        project_id=project_id,
                        chapter_id=record.chapter_id,
                        position=record.position,
                        text=record.text,
                        is_locked=record.is_locked,
                        audio_file=record.audio_file,
                        audio_duration=record.audio_duration,
                        audio_fingerprint=record.audio_fingerprint,
                        audio_timings=record.audio_timings,
                        voice=record.voice,
                        speed=record.speed,
                        pause_after=record.pause_after,
                        created_at=record.created_at,
                        updated_at=now,
                    )
                )
            session.flush()
            if takes:
                restore_in(session, takes)
            changes: list[dict[str, Any]] = [
                {"id": i, "text": text, "is_locked": locked, "chapter_id": chapter, "updated_at": now}
                for i, text, locked, chapter in updates
            ]
            if changes:
                session.execute(update(Segment), changes)
            wanted = {segment_id: position for position, segment_id in enumerate(order)}
            current = session.execute(
                select(Segment.id, Segment.position).where(Segment.project_id == project_id)
            )
            moves = [{"id": i, "position": wanted[i]} for i, p in current if i in wanted and wanted[i] != p]
            if moves:
                session.execute(update(Segment), moves)

    @staticmethod
    def _shift(session: Session, project_id: int, start: int, by: int, upto: int | None = None) -> None:
        statement = update(Segment).where(Segment.project_id == project_id).where(Segment.position >= start)
        if upto is not None:
            statement = statement.where(Segment.position <= upto)
        session.execute(statement.values(position=Segment.position + by))

    def set_audio(
        self,
        segment_id: int,
        audio_file: str | None,
        duration: float | None,
        fingerprint: str | None,
        *,
        unless_locked: bool = False,
        timings: str | None = None,
    ) -> bool:
        """Record a segment's audio in one UPDATE of just the audio columns.

        `timings`: JSON of where each sentence of the audio starts and ends (engine/timings.py; None:
        unknown; also what clearing the audio leaves).

        Returns False when the segment no longer exists (deleted while its job ran) or, with
        `unless_locked`, is locked.

        Takes: when the segment's current take has this same file (overwritten in place), that take
        gets the new duration, fingerprint and timings; otherwise the segment no longer has a current
        take (its audio is none of its takes). A render meant to be kept as a take goes through TakeStore.add.
        """
        statement = update(Segment).where(Segment.id == segment_id)
        if unless_locked:
            statement = statement.where(Segment.is_locked.is_(False))
        current_file = select(Take.audio_file).where(Take.id == Segment.current_take_id).scalar_subquery()
        with self._sessions.begin() as session:
            result = session.execute(
                statement.values(
                    audio_file=audio_file,
                    audio_duration=duration,
                    audio_fingerprint=fingerprint,
                    audio_timings=timings if audio_file is not None else None,
                    current_take_id=case((current_file == audio_file, Segment.current_take_id), else_=None),
                )
            )
            if not cast(CursorResult[Any], result).rowcount:
                return False
            if audio_file is not None and duration is not None:
                take_id = select(Segment.current_take_id).where(Segment.id == segment_id).scalar_subquery()
                session.execute(
                    update(Take)
                    .where(Take.id == take_id, Take.audio_file == audio_file)
                    .values(duration=duration, fingerprint=fingerprint, timings=timings)
                )
            return True

    # -- settings ---------------------------------------------------------------------------
    def get_settings(self) -> SettingsRecord:
        """The global settings, created with defaults on first use."""
        with self._sessions.begin() as session:
            return _settings_record(self._settings_row(session))

    def update_settings(
        self,
        *,
        default_voice_id: str | None = None,
        tts_speed: float | None = None,
        language: str | None = None,
        execution_provider: str | None = None,
    ) -> SettingsRecord:
        """Store the given values (None leaves a value as it is). Validation is the caller's."""
        with self._sessions.begin() as session:
            row = self._settings_row(session)
            if execution_provider is not None:
                row.execution_provider = execution_provider
            if default_voice_id is not None:
                row.default_voice_id = default_voice_id
            if tts_speed is not None:
                row.tts_speed = tts_speed
            if language is not None:
                row.language = language
            session.flush()
            return _settings_record(row)

    @staticmethod
    def _settings_row(session: Session) -> GlobalSettings:
        row = session.get(GlobalSettings, _SETTINGS_ID)
        if row is None:
            row = GlobalSettings(
                id=_SETTINGS_ID,
                default_voice_id=None,
                tts_speed=1.0,
                language="en-us",
                execution_provider="cpu",
            )
            session.add(row)
            session.flush()
        return row
