"""Undo and redo of segment edits, per project. Plain data, no Qt and no I/O here.

An edit is recorded as the difference between the project's segments before and after it: the order
of ids, the rows it changed (text, lock or chapter), created or deleted, as they were on either side,
and the project's chapters (ids and titles, in order) on either side. That one shape covers every edit
(add, import, text, lock, delete, move, split, merge, duplicate, chapters added, renamed, moved or
deleted, and groups of them), so undo and redo are one generic step: make the chapters, the rows and
the order what they were on the other side. Audio columns are not part of an edit: generating audio
is not undone, and a row brought back keeps the audio it has (the controller keeps a deleted row's
file until its edit is forgotten).

A row's own speed and pause after it (direction) are not in the snapshot: an edit records them only
for the rows it was told about (`direction_before`/`direction_after`, see app/undo.py's
`direction_changing`), and its step sets them back beside the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from narrator_app.core.take_steps import TakeStep
from narrator_app.store import SegmentRecord

HISTORY_LIMIT = 100  # steps kept per project

Content = tuple[str, bool, int]  # what an edit can change in a row besides its place: text, lock, chapter
Snapshot = list[tuple[int, str, bool, int]]  # a project's rows in order: id, text, locked, chapter id
Chapters = tuple[tuple[int, str], ...]  # a project's chapters in order: id, title
Direction = tuple[float | None, float | None]  # a row's own speed and pause after it (None: global)


@dataclass
class Edit:
    """One undoable step. `before` holds the content of the rows it changed or deleted as it was,
    `after` of the rows it changed or created as it became: rows in both were changed, in one only
    deleted or created. `removed` holds the whole rows (audio columns too) of those absent on one
    side, as they were when they went, to bring them back with their ids."""

    label: str
    project_id: int
    order_before: tuple[int, ...]
    order_after: tuple[int, ...]
    before: dict[int, Content] = field(default_factory=dict)
    after: dict[int, Content] = field(default_factory=dict)
    removed: dict[int, SegmentRecord] = field(default_factory=dict)
    typing: int | None = None  # the segment, when this is typing in one segment's text
    moved: frozenset[int] = frozenset()  # segments the edit moved (the others only made way)
    chapters_before: Chapters = ()
    chapters_after: Chapters = ()
    direction_before: dict[int, Direction] = field(default_factory=dict)
    direction_after: dict[int, Direction] = field(default_factory=dict)
    take_step: TakeStep | None = None  # a take edit (core/take_steps.py): rows and order unchanged

    def segment_ids(self) -> set[int]:
        taken = {self.take_step.segment_id} if self.take_step is not None else set()
        return set(self.before) | set(self.after) | set(self.direction_after) | taken

    def step(self, *, undo: bool) -> Step:
        """What undoing (or redoing) this edit does to the project."""
        source, target = (self.after, self.before) if undo else (self.before, self.after)
        expected_order, order = self.order_before, self.order_after
        if undo:
            expected_order, order = order, expected_order
        expected_chapters, chapters = self.chapters_before, self.chapters_after
        if undo:
            expected_chapters, chapters = chapters, expected_chapters
        direction_from, direction_to = (
            (self.direction_after, self.direction_before)
            if undo
            else (self.direction_before, self.direction_after)
        )
        return Step(
            expected_order=expected_order,
            expected=dict(source),
            order=order,
            expected_chapters=expected_chapters,
            chapters=chapters if chapters != expected_chapters else None,
            remove=tuple(i for i in source if i not in target),
            restore=tuple(self.removed[i] for i in target if i not in source),
            update=tuple((i, *content) for i, content in target.items() if i in source),
            expected_direction=dict(direction_from),
            direction=tuple((i, *values) for i, values in direction_to.items()),
        )

    def shown(self, *, undone: bool) -> list[int]:
        """The rows this edit changed or brought (back) that exist once it is undone (or redone),
        in the project's order then: what a window selects."""
        rows, order = (self.before, self.order_before) if undone else (self.after, self.order_after)
        return [i for i in order if i in rows or i in self.moved or i in self.direction_after]

    def keep_rows(self, records: Iterable[SegmentRecord]) -> None:
        """Remember rows as a step removed them (with the audio made since), so that the opposite
        step brings them back as they were."""
        for record in records:
            self.removed[record.id] = record


@dataclass(frozen=True)
class Step:
    """Undo or redo of one edit: from the expected state to the new one."""

    expected_order: tuple[int, ...]
    expected: dict[int, Content]  # rows that must exist with this text, lock and chapter
    order: tuple[int, ...]  # the project's order afterwards
    remove: tuple[int, ...]  # rows to delete
    restore: tuple[SegmentRecord, ...]  # rows to bring back, with their ids
    update: tuple[tuple[int, str, bool, int], ...]  # rows whose text, lock and chapter go back to these
    expected_chapters: Chapters = ()
    chapters: Chapters | None = None  # the project's chapters afterwards; None: as they are
    expected_direction: dict[int, Direction] = field(default_factory=dict)  # rows' speed and pause now
    direction: tuple[tuple[int, float | None, float | None], ...] = ()  # rows' speed and pause afterwards

    def conflict(
        self,
        current: Snapshot,
        chapters: Chapters | None = None,
        direction: dict[int, Direction] | None = None,
    ) -> bool:
        """True when the project is no longer as the edit left it (changed elsewhere meanwhile).
        `direction`: the current speed and pause of the rows in `expected_direction`."""
        if chapters is not None and chapters != self.expected_chapters:
            return True
        if direction is not None and direction != self.expected_direction:
            return True
        if tuple(row[0] for row in current) != self.expected_order:
            return True
        now = {i: (text, locked, chapter) for i, text, locked, chapter in current}
        return any(now.get(i) != content for i, content in self.expected.items())


def diff(
    label: str,
    project_id: int,
    before: Snapshot,
    after: Snapshot,
    *,
    deleted: dict[int, SegmentRecord],
    typing: int | None = None,
    moved: Iterable[int] = (),
    chapters_before: Chapters = (),
    chapters_after: Chapters = (),
    direction_before: dict[int, Direction] | None = None,
    direction_after: dict[int, Direction] | None = None,
) -> Edit | None:
    """The edit that turned `before` into `after` (and the chapters `chapters_before` into
    `chapters_after`), or None if nothing changed. `deleted` has the whole rows of the segments the
    edit deleted; `direction_before`/`direction_after`: the speed and pause of the rows whose
    direction the edit may have changed, on either side."""
    old = {i: (text, locked, chapter) for i, text, locked, chapter in before}
    new = {i: (text, locked, chapter) for i, text, locked, chapter in after}
    was, now = direction_before or {}, direction_after or {}
    redirected = {i for i in was.keys() & now.keys() & old.keys() & new.keys() if was[i] != now[i]}
    changed = {i for i in old.keys() & new.keys() if old[i] != new[i]}
    edit = Edit(
        label,
        project_id,
        order_before=tuple(row[0] for row in before),
        order_after=tuple(row[0] for row in after),
        before={i: c for i, c in old.items() if i in changed or i not in new},
        after={i: c for i, c in new.items() if i in changed or i not in old},
        removed={i: r for i, r in deleted.items() if i in old and i not in new},
        typing=typing,
        moved=frozenset(moved),
        chapters_before=chapters_before,
        chapters_after=chapters_after,
        direction_before={i: was[i] for i in redirected},
        direction_after={i: now[i] for i in redirected},
    )
    unchanged = edit.order_before == edit.order_after and chapters_before == chapters_after
    if not edit.before and not edit.after and not redirected and unchanged:
        return None
    return edit


class History:
    """The undo and redo stacks of one project."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._limit = limit
        self._done: list[Edit] = []
        self._undone: list[Edit] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_count(self) -> int:
        """How many steps can be undone."""
        return len(self._done)

    @property
    def undo_label(self) -> str | None:
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1].label if self._undone else None

    def next(self, *, undo: bool) -> Edit | None:
        stack = self._done if undo else self._undone
        return stack[-1] if stack else None

    def record(self, edit: Edit) -> None:
        """A new edit: it can be undone, and what was undone before can no longer be redone.
        Typing in the same segment as the last edit extends that edit instead of adding a step."""
        self._undone.clear()
        last = self._done[-1] if self._done else None
        if edit.typing is not None and last is not None and last.typing == edit.typing:
            merged = replace(
                last,
                order_after=edit.order_after,
                chapters_after=edit.chapters_after,
                before={**edit.before, **last.before},
                after={**last.after, **edit.after},
            )
            self._done.pop()
            if merged.before != merged.after:
                self._done.append(merged)  # typing that ends where it began is no step at all
            return
        self._done.append(edit)
        del self._done[: -self._limit]

    def moved(self, *, undo: bool) -> None:
        """The last edit was undone (or the last undone one redone)."""
        source, target = (self._done, self._undone) if undo else (self._undone, self._done)
        target.append(source.pop())

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    def segment_ids(self) -> set[int]:
        """Every segment some step could bring back (or change)."""
        return {i for edit in (*self._done, *self._undone) for i in edit.segment_ids()}
