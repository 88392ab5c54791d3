"""Segment commands: add, import, edit, lock, voice, speed and pause, move, duplicate, split, merge,
delete, each one undo step: `controller.segments`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from narrator_app.app.direction import checked_pause, checked_speed
from narrator_app.app.session import Session
from narrator_app.app.undo import UndoHistory
from narrator_app.core.rules import Refusal, RefusalReason, locked_refusal, not_found
from narrator_app.store import SegmentRecord
from narrator_app.store.repository import KEEP, Keep


class SegmentCommands:
    def __init__(
        self,
        session: Session,
        edits: UndoHistory,
        cancel_segment: Callable[[int, str], bool],
        check_voice: Callable[[str], str],
    ) -> None:
        """`cancel_segment(id, reason)` stops a row's generation; `check_voice` validates a voice."""
        self._session = session
        self._edits = edits
        self._cancel_segment = cancel_segment
        self._check_voice = check_voice
        # The chapter of the open project with this id (ChapterError when there is none); set by the
        # controller once its chapters exist.
        self.chapter_of: Callable[[int], object] = lambda chapter_id: None

    def all(self) -> list[SegmentRecord]:
        """The open project's segments, in order."""
        return self._session.segments()

    def get(self, segment_id: int) -> SegmentRecord | None:
        return self._session.repository.get_segment(segment_id)

    def audio_path(self, record: SegmentRecord) -> Path | None:
        """The absolute path of a segment's recorded audio, if it has any."""
        return self._session.audio_path(record)

    def add(self, text: str = "", *, locked: bool = False, chapter_id: int | None = None) -> SegmentRecord:
        """A segment at the end of a chapter of the open project (the last one by default)."""
        if chapter_id is not None:
            self.chapter_of(chapter_id)  # ChapterError when it is not one of this project's
        with self._edits.group("Add segment"):
            record = self._session.repository.add_segment(
                self._session.project.id, text, locked=locked, chapter_id=chapter_id
            )
        self._session.events.segments_reset.emit()
        return record

    def import_texts(self, texts: list[str], source: str = "") -> list[SegmentRecord]:
        """Append one segment per text (see textimport.segments_from_file), in one transaction.
        `source` (a file name) names the undo step."""
        with self._edits.group(f"Import {source}" if source else f"Import {len(texts)} segments"):
            records = self._session.repository.add_segments(self._session.project.id, texts)
        if records:
            self._session.events.segments_reset.emit()
        return records

    def update(
        self, segment_id: int, *, text: str | None = None, locked: bool | None = None, typing: bool = False
    ) -> SegmentRecord | Refusal:
        """Edit text and/or lock. A locked segment's text cannot change unless the same call unlocks it.
        With `typing`, successive text edits of one segment are one undo step."""
        label = "Edit text" if locked is None else ("Lock segment" if locked else "Unlock segment")
        with self._edits.group(label, typing=segment_id if typing and locked is None else None):
            return self._update(segment_id, text, locked)

    def _update(self, segment_id: int, text: str | None, locked: bool | None) -> SegmentRecord | Refusal:
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        unlocking = current.is_locked and locked is False
        if text is not None and text != current.text and current.is_locked and not unlocking:
            return locked_refusal(segment_id, "edit its text")
        if locked and not current.is_locked:
            # A locked segment's audio is not to be touched.
            self._cancel_segment(segment_id, "Cancelled: the segment was locked.")
        record = self._session.repository.update_segment(segment_id, text=text, locked=locked)
        if record is None:
            return not_found(segment_id)
        if record != current:
            self._session.events.segment_changed.emit(segment_id)
        return record

    def set_voice(self, segment_id: int, voice: str | None) -> SegmentRecord | Refusal:
        """Give a segment its own voice or blend ("" or None: back to the global voice). Its audio
        then shows as outdated. Raises SettingsError (listing the voices) for an unknown voice."""
        current = self._session.repository.get_segment(segment_id)
        if current is None:
            return not_found(segment_id)
        if current.is_locked:
            return locked_refusal(segment_id, "change its voice")
        checked = self._check_voice(voice) if voice and voice.strip() else None
        record = self._session.repository.set_segment_voice(segment_id, checked)
        if record is None:
            return not_found(segment_id)
        if record != current:
            self._session.events.segment_changed.emit(segment_id)
        return record

    def move(self, segment_id: int, offset: int) -> SegmentRecord | Refusal:
        """Move a segment up (negative) or down (positive) in the project's order."""
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        with self._edits.group("Move segment", moving=segment_id):
            moved = self._session.repository.move_segment(segment_id, current.position + offset)
        if moved is None:
            return not_found(segment_id)
        if moved.position != current.position:
            self._session.events.segments_reset.emit()
        return moved

    def duplicate(self, segment_id: int) -> SegmentRecord | Refusal:
        """A copy of the segment's text right after it (unlocked, without audio)."""
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        with self._edits.group("Duplicate segment"):
            copy = self._session.repository.insert_segment(
                current.project_id, current.position + 1, current.text
            )
        self._session.events.segments_reset.emit()
        return copy

    def split(self, segment_id: int, at: int) -> tuple[SegmentRecord, SegmentRecord] | Refusal:
        """Cut the text at character `at`: the rest becomes a new segment right after."""
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        if current.is_locked:
            return locked_refusal(segment_id, "split it")
        head, tail = current.text[:at].rstrip(), current.text[at:].lstrip()
        if not head or not tail:
            return Refusal(
                segment_id, RefusalReason.INVALID, "Put the cursor inside {subject}'s text to split it there."
            )
        self._cancel_segment(segment_id, "Cancelled: the segment was split.")
        with self._edits.group("Split segment"):
            first = self._session.repository.update_segment(segment_id, text=head)
            second = self._session.repository.insert_segment(current.project_id, current.position + 1, tail)
        assert first is not None
        self._session.events.segments_reset.emit()
        self._session.events.segment_changed.emit(segment_id)
        return first, second

    def merge_with_next(self, segment_id: int) -> SegmentRecord | Refusal:
        """Append the next segment's text to this one (on a new line) and delete the next one."""
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        following = next((s for s in self._session.segments() if s.position == current.position + 1), None)
        if following is None:
            return Refusal(
                segment_id,
                RefusalReason.INVALID,
                "{subject} is the last one: there is nothing to merge it with.",
            )
        for record in (current, following):
            if record.is_locked:
                return locked_refusal(record.id, "merge it")
        self._cancel_segment(segment_id, "Cancelled: the segment was merged.")
        merged_text = "\n".join(t for t in (current.text.strip(), following.text.strip()) if t)
        with self._edits.group("Merge segments"):
            deleted = self.delete(following.id)
            assert not isinstance(deleted, Refusal)
            merged = self._session.repository.update_segment(segment_id, text=merged_text)
        assert merged is not None
        self._session.events.segment_changed.emit(segment_id)
        return merged

    def delete(self, segment_id: int) -> SegmentRecord | Refusal:
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        if current.is_locked:
            return locked_refusal(segment_id, "delete it")
        self._cancel_segment(segment_id, "Cancelled: the segment was deleted.")
        with self._edits.group("Delete segment"):
            self._edits.remember_takes(segment_id)  # their files are kept for undo too
            deleted = self._session.repository.delete_segment(segment_id)
            if deleted is None:
                return not_found(segment_id)
            self._edits.deleted(deleted)
            if (path := self._session.audio_path(deleted)) is not None:
                self._edits.trash.keep(segment_id, path)  # until its delete can no longer be undone
        self._session.events.segments_reset.emit()
        return deleted

    def set_direction(
        self,
        segment_id: int,
        *,
        speed: float | None | Keep = KEEP,
        pause_after: float | None | Keep = KEEP,
    ) -> SegmentRecord | Refusal:
        """Give a segment its own speed (0.5-2.0; None: the global speed again) and/or pause after it
        in an export (0-30 s; None: the export's gap); KEEP leaves one as it is. One undo step. A
        new speed shows its audio as outdated; the pause does not (only an export uses it). A locked
        segment's speed cannot change (its audio is to stay as it is); its pause can. Raises
        SettingsError for a value out of bounds."""
        speed = speed if isinstance(speed, Keep) else checked_speed(speed)
        pause_after = pause_after if isinstance(pause_after, Keep) else checked_pause(pause_after)
        current = self._session.own(segment_id)
        if isinstance(current, Refusal):
            return current
        if current.is_locked and not isinstance(speed, Keep) and speed != current.speed:
            return locked_refusal(segment_id, "change its speed")
        label = (
            "Set speed and pause"
            if not isinstance(speed, Keep) and not isinstance(pause_after, Keep)
            else ("Set speed" if not isinstance(speed, Keep) else "Set pause after")
        )
        with self._edits.group(label):
            self._edits.direction_changing(current)
            record = self._session.repository.set_segment_direction(
                segment_id, speed=speed, pause_after=pause_after
            )
        if record is None:
            return not_found(segment_id)
        if record != current:
            self._session.events.segment_changed.emit(segment_id)
        return record
