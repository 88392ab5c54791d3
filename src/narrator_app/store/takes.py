"""Takes in the store: every render of a segment kept, one of them current, each with a trim.

The segment's audio columns (audio_file, audio_duration, audio_fingerprint, audio_timings) always
hold the current take's audio, written in the same transaction that makes a take current: everything
that reads segments (export, play-all, outdated marks) sees the chosen take without knowing about takes. The
trim is the take's; the segment's audio_duration stays the whole file's.

After a render, the app writes the audio to a file of its own for the take (never over an earlier
take's file) and calls `add(...)`: that records the take, makes it current (copying it into the
segment) and, with `limit`, drops the oldest takes that are not current. The store never deletes a
file: the caller deletes the files of the takes `add` dropped and of a take it deletes.

Deleting the current take is refused while the segment has others (use another one first); deleting a
segment's only take clears the segment's audio.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from narrator_app.store.models import Project, Segment, Take
from narrator_app.store.records import TakeRecord


class TakeError(ValueError):
    """A take operation that cannot be done; the message is a sentence for the user."""


def take_record(row: Take, current_take_id: int | None) -> TakeRecord:
    return TakeRecord(
        id=row.id,
        segment_id=row.segment_id,
        number=row.number,
        audio_file=row.audio_file,
        duration=row.duration,
        fingerprint=row.fingerprint,
        voice=row.voice,
        speed=row.speed,
        created_at=row.created_at,
        trim_start=row.trim_start,
        trim_end=row.trim_end,
        current=row.id == current_take_id,
        timings=row.timings,
    )


def _make_current(segment: Segment, take: Take) -> None:
    segment.audio_timings = take.timings  # its sentences' times go with its audio (subtitle cues)
    segment.current_take_id = take.id
    segment.audio_file = take.audio_file
    segment.audio_duration = take.duration
    segment.audio_fingerprint = take.fingerprint


def restore_in(session: Session, takes: Iterable[TakeRecord]) -> None:
    """Bring takes back with their ids and numbers (undo), inside the caller's transaction; a take that
    was current becomes current again (its audio copied into the segment)."""
    records = list(takes)
    for record in records:
        session.add(
            Take(
                id=record.id,
                segment_id=record.segment_id,
                number=record.number,
                audio_file=record.audio_file,
                duration=record.duration,
                fingerprint=record.fingerprint,
                voice=record.voice,
                speed=record.speed,
                created_at=record.created_at,
                trim_start=record.trim_start,
                trim_end=record.trim_end,
                timings=record.timings,
            )
        )
    session.flush()
    for record in records:
        segment = session.get(Segment, record.segment_id)
        if segment is None:
            continue
        segment.last_take = max(segment.last_take, record.number)
        if record.current:
            take = session.get(Take, record.id)
            if take is not None:
                _make_current(segment, take)
    session.flush()


class TakeStore:
    """Reads and writes of takes, each in its own short Session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def of(self, segment_id: int) -> list[TakeRecord]:
        """The segment's takes, oldest first; empty when it has none or does not exist."""
        with self._sessions() as session:
            current = session.scalar(select(Segment.current_take_id).where(Segment.id == segment_id))
            rows = session.scalars(select(Take).where(Take.segment_id == segment_id).order_by(Take.number))
            return [take_record(row, current) for row in rows]

    def get(self, segment_id: int, number: int) -> TakeRecord | None:
        with self._sessions() as session:
            found = self._find(session, segment_id, number)
            return None if found is None else take_record(*found)

    def current(self, segment_id: int) -> TakeRecord | None:
        """The take whose audio the segment has; None when none (no audio, or audio from before takes)."""
        with self._sessions() as session:
            row = session.scalar(
                select(Take).join(Segment, Segment.current_take_id == Take.id).where(Segment.id == segment_id)
            )
            return None if row is None else take_record(row, row.id)

    def trims(self, project_id: int) -> dict[int, tuple[float, float]]:
        """The trim (start, end) of each segment's current take, for the segments whose current take
        is trimmed (others left out: nothing cut)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Segment.id, Take.trim_start, Take.trim_end)
                .join(Take, Take.id == Segment.current_take_id)
                .where(Segment.project_id == project_id, (Take.trim_start > 0) | (Take.trim_end > 0))
            )
            return {segment_id: (float(start), float(end)) for segment_id, start, end in rows}

    def counts(self, project_id: int) -> dict[int, int]:
        """How many takes each segment of the project has (segments without takes left out)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Take.segment_id, func.count(Take.id))
                .join(Segment, Segment.id == Take.segment_id)
                .where(Segment.project_id == project_id)
                .group_by(Take.segment_id)
            )
            return {segment_id: int(n) for segment_id, n in rows}

    def add(
        self,
        segment_id: int,
        audio_file: str,
        duration: float,
        fingerprint: str | None,
        voice: str | None,
        speed: float | None,
        *,
        make_current: bool = True,
        limit: int | None = None,
        unless_locked: bool = False,
        timings: str | None = None,
    ) -> tuple[TakeRecord, list[TakeRecord]] | None:
        """Keep a new take (the next number) and, with `make_current`, make it the segment's audio.
        With `limit`, the oldest takes that are neither current nor this one are dropped until at most
        `limit` are left: they are returned, for the caller to delete their files. None (nothing
        changed) when the segment no longer exists or, with `unless_locked`, is locked."""
        if limit is not None and limit < 1:
            raise TakeError(f"A segment keeps at least one take; {limit} is not a take limit.")
        with self._sessions.begin() as session:
            segment = session.get(Segment, segment_id)
            if segment is None or (unless_locked and segment.is_locked):
                return None
            segment.last_take += 1
            row = Take(
                segment_id=segment_id,
                number=segment.last_take,
                audio_file=audio_file,
                duration=duration,
                fingerprint=fingerprint,
                voice=voice,
                speed=speed,
                timings=timings,
            )
            session.add(row)
            session.flush()
            if make_current:
                _make_current(segment, row)  # its timings too: where its sentences are (subtitles)
            dropped: list[TakeRecord] = []
            if limit is not None:
                rows = list(
                    session.scalars(select(Take).where(Take.segment_id == segment_id).order_by(Take.number))
                )
                spare = [r for r in rows if r.id not in (row.id, segment.current_take_id)]
                for old in spare[: max(0, len(rows) - limit)]:
                    dropped.append(take_record(old, segment.current_take_id))
                    session.delete(old)
            session.flush()
            return take_record(row, segment.current_take_id), dropped

    def use(self, segment_id: int, number: int) -> TakeRecord | None:
        """Make a take current: its file, duration and fingerprint become the segment's audio, in the
        same transaction. None when there is no such take."""
        with self._sessions.begin() as session:
            found = self._find(session, segment_id, number)
            if found is None:
                return None
            row, _current = found
            segment = session.get(Segment, segment_id)
            assert segment is not None  # the take's segment (foreign key)
            _make_current(segment, row)
            session.flush()
            return take_record(row, row.id)

    def delete(self, segment_id: int, number: int) -> TakeRecord | None:
        """Delete a take (not its file) and return it; None when there is no such take. The current
        take is refused (TakeError) while the segment has others; a segment's only take may go, and the
        segment's audio goes with it."""
        with self._sessions.begin() as session:
            found = self._find(session, segment_id, number)
            if found is None:
                return None
            row, current = found
            record = take_record(row, current)
            if record.current:
                others = session.scalar(
                    select(func.count(Take.id)).where(Take.segment_id == segment_id, Take.id != row.id)
                )
                if others:
                    raise TakeError(
                        f"Take {number} is the one segment {segment_id} uses; "
                        "use another take first, then delete this one."
                    )
                session.execute(
                    update(Segment)
                    .where(Segment.id == segment_id)
                    .values(
                        current_take_id=None,
                        audio_file=None,
                        audio_duration=None,
                        audio_fingerprint=None,
                        audio_timings=None,
                    )
                )
            session.delete(row)
            return record

    def set_trim(self, segment_id: int, number: int, start: float, end: float) -> TakeRecord | None:
        """Cut `start` seconds from the take's start and `end` from its end when it is heard (0, 0: the
        whole take). TakeError when that leaves nothing; None when there is no such take."""
        if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end < 0:
            raise TakeError(f"A trim is seconds cut from each end, 0 or more; {start:g} and {end:g} are not.")
        with self._sessions.begin() as session:
            found = self._find(session, segment_id, number)
            if found is None:
                return None
            row, current = found
            if start + end >= row.duration:
                raise TakeError(
                    f"Cutting {start:.2f} s and {end:.2f} s leaves nothing of take {number} of segment "
                    f"{segment_id}, which lasts {row.duration:.2f} s; cut less."
                )
            row.trim_start, row.trim_end = float(start), float(end)
            session.flush()
            return take_record(row, current)

    def restore(self, takes: Iterable[TakeRecord]) -> None:
        """Bring deleted takes back with their ids and numbers (undo of a delete), in one transaction."""
        with self._sessions.begin() as session:
            restore_in(session, takes)

    def settings(self, project_id: int) -> tuple[int, float | None]:
        """The project's take limit and auto-trim margin (None: off); (5, None) for an unknown one."""
        with self._sessions() as session:
            row = session.get(Project, project_id)
            return (5, None) if row is None else (row.take_limit, row.auto_trim_margin)

    def set_settings(self, project_id: int, limit: int, auto_trim_margin: float | None) -> bool:
        """Set the project's take limit (1 or more) and auto-trim margin (None: off, else 0 or more
        seconds); TakeError for values out of range, False when there is no such project."""
        if limit < 1:
            raise TakeError(f"A segment keeps at least one take; {limit} is not a take limit.")
        if auto_trim_margin is not None and not (math.isfinite(auto_trim_margin) and auto_trim_margin >= 0):
            raise TakeError(f"The auto-trim margin is 0 seconds or more; {auto_trim_margin:g} is not.")
        with self._sessions.begin() as session:
            row = session.get(Project, project_id)
            if row is None:
                return False
            row.take_limit, row.auto_trim_margin = limit, auto_trim_margin
            return True

    @staticmethod
    def _find(session: Session, segment_id: int, number: int) -> tuple[Take, int | None] | None:
        found = session.execute(
            select(Take, Segment.current_take_id)
            .join(Segment, Segment.id == Take.segment_id)
            .where(Take.segment_id == segment_id, Take.number == number)
        ).first()
        return None if found is None else (found[0], found[1])
