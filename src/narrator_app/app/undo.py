"""Undo and redo for the controller: every segment edit becomes one step of its project's history
(see history.py), and a step is played back with the side effects an edit has: generation of a row
that goes away (or gets locked) is cancelled, a deleted row's audio is kept and put back.

Histories live in memory, one per project, for as long as the controller runs: switching projects
and back keeps both. They are not saved: closing the window (or the end of a command) forgets them,
and the kept audio of deleted segments with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from narrator_app.app.session import Events
from narrator_app.core.history import Direction, Edit, History, diff
from narrator_app.core.rules import Refusal, RefusalReason
from narrator_app.core.trash import AudioTrash
from narrator_app.store import ProjectRecord, Repository, SegmentRecord


class UndoTarget(Protocol):
    """What undo needs of the application: the store, the open project and its signals
    (app/session.Session is one)."""

    data_dir: Path
    repository: Repository
    project: ProjectRecord
    events: Events

    def audio_path(self, record: SegmentRecord) -> Path | None: ...


class UndoHistory:
    def __init__(self, target: UndoTarget, cancel_segment: Callable[[int, str], bool]) -> None:
        """`cancel_segment(segment_id, reason)`: stop the generation of a row a step removes or locks."""
        self._target = target
        self._cancel_segment = cancel_segment
        self._histories: dict[int, History] = {}
        self._recording = False
        self._deleted: dict[int, SegmentRecord] = {}  # rows deleted by the edit being recorded
        self._moved: set[int] = set()  # rows it moved
        self._direction: dict[int, Direction] = {}  # rows whose speed/pause it changes: as they were
        self.trash = AudioTrash(target.data_dir)

    def of(self, project_id: int) -> History:
        return self._histories.setdefault(project_id, History())

    @contextmanager
    def group(self, label: str, *, typing: int | None = None, moving: int | None = None) -> Iterator[None]:
        """Record everything done inside as one step (nested groups are part of the outer one).
        `moving`: the segment a move is about (what a window selects after undo)."""
        if moving is not None:
            self._moved.add(moving)
        if self._recording:
            yield
            return
        c = self._target
        project_id = c.project.id
        before = c.repository.snapshot(project_id)
        chapters_before = c.repository.chapters.snapshot(project_id)
        self._recording = True
        try:
            yield
        finally:  # even a failed edit records what it did change, so that it can be undone
            self._recording = False
            after = c.repository.snapshot(project_id)
            changing = tuple(self._direction)
            direction_after = (
                {r.id: (r.speed, r.pause_after) for r in c.repository.get_segments(changing)}
                if changing
                else {}
            )
            edit = diff(
                label,
                project_id,
                before,
                after,
                deleted=self._deleted,
                typing=typing,
                moved=self._moved,
                chapters_before=chapters_before,
                chapters_after=c.repository.chapters.snapshot(project_id),
                direction_before=self._direction,
                direction_after=direction_after,
            )
            self._deleted, self._moved, self._direction = {}, set(), {}
            if edit is not None:
                self.of(project_id).record(edit)
                self._collect()
                c.events.history_changed.emit()

    @property
    def history(self) -> History:
        """The open project's undo history (labels, can_undo, can_redo)."""
        return self.of(self._target.project.id)

    def undo(self) -> Edit | Refusal:
        """Undo the open project's last edit; the Edit says what (its label), or why not."""
        return self.step(undo=True)

    def redo(self) -> Edit | Refusal:
        return self.step(undo=False)

    def deleted(self, record: SegmentRecord) -> None:
        """The edit being recorded deleted this row (kept whole, to bring it back)."""
        self._deleted[record.id] = record

    def direction_changing(self, record: SegmentRecord) -> None:
        """The edit being recorded is about to change this row's own speed or pause after it (which
        the snapshot does not hold): remember them as they are, to set them back on undo."""
        self._direction.setdefault(record.id, (record.speed, record.pause_after))

    def keep_audio(self, segment_id: int, path: Path) -> None:
        """Keep a deleted row's audio until its delete can no longer be undone."""
        self.trash.keep(segment_id, path)

    def step(self, *, undo: bool) -> Edit | Refusal:
        c = self._target
        word = "undo" if undo else "redo"
        history = self.of(c.project.id)
        edit = history.next(undo=undo)
        if edit is None or self._recording:
            return Refusal(None, RefusalReason.INVALID, f"Nothing to {word}.")
        step = edit.step(undo=undo)
        redirected = tuple(step.expected_direction)
        direction_now = (
            {r.id: (r.speed, r.pause_after) for r in c.repository.get_segments(redirected)}
            if redirected
            else None
        )
        if step.conflict(
            c.repository.snapshot(edit.project_id),
            c.repository.chapters.snapshot(edit.project_id),
            direction_now,
        ):
            history.clear()
            self._collect()
            c.events.history_changed.emit()
            return Refusal(
                None,
                RefusalReason.INVALID,
                f"Cannot {word} “{edit.label}”: the project is no longer as that edit left it. "
                "Its undo history was cleared; nothing was changed.",
            )
        removed = c.repository.get_segments(step.remove) if step.remove else []
        for record in removed:
            self._cancel_segment(record.id, f"Cancelled: the segment was removed by {word}.")
        for segment_id, _text, locked, _chapter in step.update:
            if locked and not step.expected[segment_id][1]:  # locked by this step
                self._cancel_segment(segment_id, "Cancelled: the segment was locked.")
        restore = tuple(self._bring_back(record) for record in step.restore)
        try:
            c.repository.apply_step(
                edit.project_id,
                remove=step.remove,
                restore=restore,
                updates=step.update,
                order=step.order,
                chapters=step.chapters,
            )
        except Exception:
            for record in restore:  # the rows did not come back: their audio stays kept
                if (path := c.audio_path(record)) is not None:
                    self.trash.keep(record.id, path)
            raise
        for segment_id, speed, pause_after in step.direction:
            c.repository.set_segment_direction(segment_id, speed=speed, pause_after=pause_after)
        for record in removed:
            if (path := c.audio_path(record)) is not None:
                self.trash.keep(record.id, path)
        edit.keep_rows(removed)
        history.moved(undo=undo)
        if step.remove or step.restore or step.order != step.expected_order or step.chapters is not None:
            c.events.segments_reset.emit()  # rows come or go or move; otherwise only some rows changed
        for segment_id in {u[0] for u in step.update} | {d[0] for d in step.direction}:
            c.events.segment_changed.emit(segment_id)
        if step.chapters is not None or any(
            step.expected[i][2] != chapter for i, _t, _l, chapter in step.update
        ):
            c.events.chapters_changed.emit()
        c.events.history_changed.emit()
        return edit

    def _bring_back(self, record: SegmentRecord) -> SegmentRecord:
        """The row as it comes back: with its kept audio, or without audio if that is gone."""
        path = self._target.audio_path(record)
        if path is None or self.trash.take_back(record.id, path):
            return record
        return replace(
            record, audio_file=None, audio_duration=None, audio_fingerprint=None, audio_timings=None
        )

    def forget(self, project_id: int) -> None:
        """A project was deleted: its history (and its kept audio) go too."""
        self._histories.pop(project_id, None)
        self._collect()

    def _collect(self) -> None:
        """Kept audio that no step can bring back any more is removed."""
        self.trash.keep_only(set().union(*(h.segment_ids() for h in self._histories.values())))

    def close(self) -> None:
        self._histories.clear()
        self.trash.close()
