"""The controller's segment commands: add, import, edit, lock, voice, move, duplicate, split, merge,
delete, and their undo and redo (a mixin of Controller)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from narrator_app.app.chapter_commands import ChapterCommands
from narrator_app.app.undo import UndoHistory
from narrator_app.core.history import Edit, History
from narrator_app.core.rules import Refusal, RefusalReason, locked_refusal, not_found, other_project
from narrator_app.store import ProjectRecord, Repository, SegmentRecord

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class SegmentCommands:
    """Segment commands; the state and signals they use are the Controller's."""

    data_dir: Path
    repository: Repository
    project: ProjectRecord
    edits: UndoHistory
    chapters: ChapterCommands
    if TYPE_CHECKING:
        segments_reset: SignalInstance
        segment_changed: SignalInstance

        def cancel_segment(self, segment_id: int, reason: str = "") -> bool: ...

        def check_voice(self, voice: str) -> str: ...

    def segments(self) -> list[SegmentRecord]:
        return self.repository.list_segments(self.project.id)

    def segment(self, segment_id: int) -> SegmentRecord | None:
        return self.repository.get_segment(segment_id)

    def _own(self, segment_id: int) -> SegmentRecord | Refusal:
        """A segment of the open project, for editing or generating; a refusal for one of another
        project (the command line's --project names the project its ids belong to)."""
        record = self.repository.get_segment(segment_id)
        if record is None:
            return not_found(segment_id)
        return (
            record if record.project_id == self.project.id else other_project(segment_id, self.project.name)
        )

    def add_segment(
        self, text: str = "", *, locked: bool = False, chapter_id: int | None = None
    ) -> SegmentRecord:
        """A segment at the end of a chapter of the open project (the last one by default)."""
        if chapter_id is not None:
            self.chapters.get(chapter_id)  # ChapterError when it is not one of this project's
        with self.edits.group("Add segment"):
            record = self.repository.add_segment(self.project.id, text, locked=locked, chapter_id=chapter_id)
        self.segments_reset.emit()
        return record

    def import_texts(self, texts: list[str], source: str = "") -> list[SegmentRecord]:
        """Append one segment per text (see textimport.segments_from_file), in one transaction.
        `source` (a file name) names the undo step."""
        with self.edits.group(f"Import {source}" if source else f"Import {len(texts)} segments"):
            records = self.repository.add_segments(self.project.id, texts)
        if records:
            self.segments_reset.emit()
        return records

    def update_segment(
        self, segment_id: int, *, text: str | None = None, locked: bool | None = None, typing: bool = False
    ) -> SegmentRecord | Refusal:
        """Edit text and/or lock. A locked segment's text cannot change unless the same call unlocks it.
        With `typing`, successive text edits of one segment are one undo step."""
        label = "Edit text" if locked is None else ("Lock segment" if locked else "Unlock segment")
        with self.edits.group(label, typing=segment_id if typing and locked is None else None):
            return self._update_segment(segment_id, text, locked)

    def _update_segment(
        self, segment_id: int, text: str | None, locked: bool | None
    ) -> SegmentRecord | Refusal:
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        unlocking = current.is_locked and locked is False
        if text is not None and text != current.text and current.is_locked and not unlocking:
            return locked_refusal(segment_id, "edit its text")
        if locked and not current.is_locked:
            # A locked segment's audio is not to be touched.
            self.cancel_segment(segment_id, "Cancelled: the segment was locked.")
        record = self.repository.update_segment(segment_id, text=text, locked=locked)
        if record is None:
            return not_found(segment_id)
        if record != current:
            self.segment_changed.emit(segment_id)
        return record

    def set_segment_voice(self, segment_id: int, voice: str | None) -> SegmentRecord | Refusal:
        """Give a segment its own voice or blend ("" or None: back to the global voice). Its audio
        then shows as outdated. Raises SettingsError (listing the voices) for an unknown voice."""
        current = self.repository.get_segment(segment_id)
        if current is None:
            return not_found(segment_id)
        if current.is_locked:
            return locked_refusal(segment_id, "change its voice")
        checked = self.check_voice(voice) if voice and voice.strip() else None
        record = self.repository.set_segment_voice(segment_id, checked)
        if record is None:
            return not_found(segment_id)
        if record != current:
            self.segment_changed.emit(segment_id)
        return record

    def move_segment(self, segment_id: int, offset: int) -> SegmentRecord | Refusal:
        """Move a segment up (negative) or down (positive) in the project's order."""
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        with self.edits.group("Move segment", moving=segment_id):
            moved = self.repository.move_segment(segment_id, current.position + offset)
        if moved is None:
            return not_found(segment_id)
        if moved.position != current.position:
            self.segments_reset.emit()
        return moved

    def duplicate_segment(self, segment_id: int) -> SegmentRecord | Refusal:
        """A copy of the segment's text right after it (unlocked, without audio)."""
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        with self.edits.group("Duplicate segment"):
            copy = self.repository.insert_segment(current.project_id, current.position + 1, current.text)
        self.segments_reset.emit()
        return copy

    def split_segment(self, segment_id: int, at: int) -> tuple[SegmentRecord, SegmentRecord] | Refusal:
        """Cut the text at character `at`: the rest becomes a new segment right after."""
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        if current.is_locked:
            return locked_refusal(segment_id, "split it")
        head, tail = current.text[:at].rstrip(), current.text[at:].lstrip()
        if not head or not tail:
            return Refusal(
                segment_id, RefusalReason.INVALID, "Put the cursor inside {subject}'s text to split it there."
            )
        self.cancel_segment(segment_id, "Cancelled: the segment was split.")
        with self.edits.group("Split segment"):
            first = self.repository.update_segment(segment_id, text=head)
            second = self.repository.insert_segment(current.project_id, current.position + 1, tail)
        assert first is not None
        self.segments_reset.emit()
        self.segment_changed.emit(segment_id)
        return first, second

    def merge_with_next(self, segment_id: int) -> SegmentRecord | Refusal:
        """Append the next segment's text to this one (on a new line) and delete the next one."""
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        following = next((s for s in self.segments() if s.position == current.position + 1), None)
        if following is None:
            return Refusal(
                segment_id,
                RefusalReason.INVALID,
                "{subject} is the last one: there is nothing to merge it with.",
            )
        for record in (current, following):
            if record.is_locked:
                return locked_refusal(record.id, "merge it")
        self.cancel_segment(segment_id, "Cancelled: the segment was merged.")
        merged_text = "\n".join(t for t in (current.text.strip(), following.text.strip()) if t)
        with self.edits.group("Merge segments"):
            deleted = self.delete_segment(following.id)
            assert not isinstance(deleted, Refusal)
            merged = self.repository.update_segment(segment_id, text=merged_text)
        assert merged is not None
        self.segment_changed.emit(segment_id)
        return merged

    def delete_segment(self, segment_id: int) -> SegmentRecord | Refusal:
        current = self._own(segment_id)
        if isinstance(current, Refusal):
            return current
        if current.is_locked:
            return locked_refusal(segment_id, "delete it")
        self.cancel_segment(segment_id, "Cancelled: the segment was deleted.")
        with self.edits.group("Delete segment"):
            deleted = self.repository.delete_segment(segment_id)
            if deleted is None:
                return not_found(segment_id)
            self.edits.deleted(deleted)
            if (path := self.audio_path(deleted)) is not None:
                self.edits.trash.keep(segment_id, path)  # until its delete can no longer be undone
        self.segments_reset.emit()
        return deleted

    # -- undo and redo ----------------------------------------------------------------------
    @property
    def history(self) -> History:
        """The open project's undo history (labels, can_undo, can_redo)."""
        return self.edits.of(self.project.id)

    def undo(self) -> Edit | Refusal:
        """Undo the open project's last edit; the Edit says what (its label), or why not."""
        return self.edits.step(undo=True)

    def redo(self) -> Edit | Refusal:
        return self.edits.step(undo=False)

    @contextmanager
    def edit_group(self, label: str) -> Iterator[None]:
        """The edits made inside are one undo step (e.g. deleting several selected segments)."""
        with self.edits.group(label):
            yield

    def audio_path(self, record: SegmentRecord) -> Path | None:
        """The absolute path of a segment's recorded audio, if it has any."""
        return None if record.audio_file is None else self.data_dir / record.audio_file
