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
from narrator_app.core.take_steps import DeleteTake, TakeStep, TrimTake, UseTake
from narrator_app.core.trash import AudioTrash
from narrator_app.store import ProjectRecord, Repository, SegmentRecord, TakeRecord


class UndoTarget(Protocol):
    """What undo needs of the application: the store, the open project and its signals
    (app/session.Session is one)."""

    data_dir: Path
    repository: Repository
    project: ProjectRecord
    events: Events
    read_only: bool  # a reader beside the data folder's holder (Controller(read_only=True))

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
        self._takes: dict[int, tuple[TakeRecord, ...]] = {}  # the takes of deleted rows, to bring back
        # A reader beside the folder's holder leaves the holder's trash alone (core/trash.py).
        self.trash = AudioTrash(target.data_dir, own=not target.read_only)

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

    def remember_takes(self, segment_id: int) -> None:
        """Before a row is deleted: note its takes, so that its delete keeps their files and its
        undo brings them back."""
        self._takes[segment_id] = tuple(self._target.repository.takes.of(segment_id))

    def deleted(self, record: SegmentRecord) -> None:
        """The edit being recorded deleted this row (kept whole, to bring it back); the files of the
        takes `remember_takes` noted go to the trash."""
        self._deleted[record.id] = record
        self._keep_takes(record.id)

    def _keep_takes(self, segment_id: int) -> None:
        for take in self._takes.get(segment_id, ()):
            self.trash.keep_take(segment_id, take.id, self._target.data_dir / take.audio_file)

    def _takes_back(self, segment_id: int) -> tuple[TakeRecord, ...]:
        """The takes of a row coming back whose files could be put back (or are still there)."""
        data_dir = self._target.data_dir
        return tuple(
            take
            for take in self._takes.get(segment_id, ())
            if self.trash.take_back_take(segment_id, take.id, data_dir / take.audio_file)
            or (data_dir / take.audio_file).is_file()
        )

    def record_take_step(self, label: str, take_step: TakeStep) -> None:
        """A take edit (use, trim, delete a take): one step of the open project's history."""
        c = self._target
        order = tuple(row[0] for row in c.repository.snapshot(c.project.id))
        chapters = c.repository.chapters.snapshot(c.project.id)
        edit = Edit(label, c.project.id, order, order, chapters_before=chapters, chapters_after=chapters)
        edit.take_step = take_step
        self.of(c.project.id).record(edit)
        self._collect()
        c.events.history_changed.emit()

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
        if edit.take_step is not None:
            return self._take_step(history, edit, edit.take_step, undo=undo)
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
            self.remember_takes(record.id)
        for segment_id, _text, locked, _chapter in step.update:
            if locked and not step.expected[segment_id][1]:  # locked by this step
                self._cancel_segment(segment_id, "Cancelled: the segment was locked.")
        restore = tuple(self._bring_back(record) for record in step.restore)
        takes = tuple(take for record in restore for take in self._takes_back(record.id))
        try:
            c.repository.apply_step(
                edit.project_id,
                remove=step.remove,
                restore=restore,
                updates=step.update,
                order=step.order,
                chapters=step.chapters,
                takes=takes,
            )
        except Exception:
            for record in restore:  # the rows did not come back: their audio stays kept
                self._keep_takes(record.id)
                if (path := c.audio_path(record)) is not None:
                    self.trash.keep(record.id, path)
            raise
        for segment_id, speed, pause_after in step.direction:
            c.repository.set_segment_direction(segment_id, speed=speed, pause_after=pause_after)
        for record in removed:
            self._keep_takes(record.id)
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

    def _take_step(self, history: History, edit: Edit, step: TakeStep, *, undo: bool) -> Edit | Refusal:
        """Play a take edit back (see core/take_steps.py); refused, and the history cleared, when the
        take is no longer as the edit left it."""
        c = self._target
        takes = c.repository.takes
        done = True
        if isinstance(step, UseTake):
            number = step.previous if undo else step.number
            if number is None:
                done = c.repository.set_audio(step.segment_id, None, None, None)
            else:
                done = takes.use(step.segment_id, number) is not None
        elif isinstance(step, TrimTake):
            start, end = step.before if undo else step.after
            done = takes.set_trim(step.segment_id, step.number, start, end) is not None
        elif isinstance(step, DeleteTake):
            path = c.data_dir / step.take.audio_file
            if undo:
                if c.repository.get_segment(step.segment_id) is None:
                    done = False
                else:
                    self.trash.take_back_take(step.segment_id, step.take.id, path)
                    takes.restore([step.take])  # the current one (an only take) current again
            else:
                done = takes.delete(step.segment_id, step.take.number) is not None
                if done:
                    self.trash.keep_take(step.segment_id, step.take.id, path)
        if not done:
            history.clear()
            self._collect()
            c.events.history_changed.emit()
            word = "undo" if undo else "redo"
            return Refusal(
                step.segment_id,
                RefusalReason.INVALID,
                f"Cannot {word} “{edit.label}”: that take is no longer there. "
                "Its undo history was cleared; nothing was changed.",
            )
        history.moved(undo=undo)
        c.events.segment_changed.emit(step.segment_id)
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
        wanted: set[int] = set().union(*(h.segment_ids() for h in self._histories.values()))
        self.trash.keep_only(wanted)
        self._takes = {i: takes for i, takes in self._takes.items() if i in wanted or self._recording}

    def close(self) -> None:
        self._histories.clear()
        self.trash.close()
