"""Undoable take edits (use a take, trim it, delete it): what one step changed, as plain data. No Qt.

A take edit is an Edit of core/history.py whose rows and order do not change; its `take_step` says what
undo and redo do instead (app/undo.py plays them back).
"""

from __future__ import annotations

from dataclasses import dataclass

from narrator_app.store import TakeRecord


@dataclass(frozen=True)
class UseTake:
    """Take `number` became current; `previous` was before (None: no take was)."""

    segment_id: int
    number: int
    previous: int | None


@dataclass(frozen=True)
class TrimTake:
    """Take `number`'s trim (start, end) went from `before` to `after`."""

    segment_id: int
    number: int
    before: tuple[float, float]
    after: tuple[float, float]


@dataclass(frozen=True)
class DeleteTake:
    """A take was deleted (its file kept in the trash for undo)."""

    segment_id: int
    take: TakeRecord


TakeStep = UseTake | TrimTake | DeleteTake
