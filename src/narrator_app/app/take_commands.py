"""Take commands: list a segment's takes, use one, trim it, delete one, each one undo step; the
project's take settings (how many are kept, auto-trim). `controller.takes`.

Using an older take copies its fingerprint into the segment (store/takes.py), so a take made with
other text or settings shows as Outdated, as any audio does (Generation.audio_status).
"""

from __future__ import annotations

import builtins
import math
from pathlib import Path

from narrator_app.app.session import Session
from narrator_app.app.undo import UndoHistory
from narrator_app.core.rules import Refusal, RefusalReason, SettingsError
from narrator_app.core.take_steps import DeleteTake, TrimTake, UseTake
from narrator_app.store import SegmentRecord, TakeRecord
from narrator_app.store.takes import TakeError, TakeStore

DEFAULT_TAKE_LIMIT = 5


def no_take(segment_id: int, number: int) -> Refusal:
    return Refusal(segment_id, RefusalReason.NOT_FOUND, "{subject} has no take " + f"{number}.")


MAX_TAKE_LIMIT = 100  # takes kept per segment, at most (the Settings dialog, `settings --take-limit`)
MAX_AUTO_TRIM = 5.0  # seconds of silence auto-trim keeps at either end, at most
DEFAULT_AUTO_TRIM = 0.25  # what the Settings dialog offers when auto-trim is turned on


def check_take_settings(limit: int, auto_trim_margin: float | None) -> None:
    """SettingsError (with the reason) unless 1 <= limit <= MAX_TAKE_LIMIT and the margin is None
    (off) or 0 to MAX_AUTO_TRIM seconds."""
    if not 1 <= limit <= MAX_TAKE_LIMIT:
        raise SettingsError(f"A segment keeps 1 to {MAX_TAKE_LIMIT} takes; {limit} is not a take limit.")
    if auto_trim_margin is not None and not 0 <= auto_trim_margin <= MAX_AUTO_TRIM:
        raise SettingsError(
            f"The silence kept by auto-trim is 0 to {MAX_AUTO_TRIM:g} seconds; {auto_trim_margin:g} is not."
        )


class TakeCommands:
    def __init__(self, session: Session, edits: UndoHistory) -> None:
        self._session = session
        self._edits = edits

    @property
    def _takes(self) -> TakeStore:
        return self._session.repository.takes

    def _segment(self, segment_id: int) -> SegmentRecord | Refusal:
        return self._session.own(segment_id)

    def list(self, segment_id: int) -> builtins.list[TakeRecord] | Refusal:
        """The segment's takes, oldest first (numbers from 1)."""
        found = self._segment(segment_id)
        if isinstance(found, Refusal):
            return found
        return self._takes.of(segment_id)

    def counts(self) -> dict[int, int]:
        """How many takes each segment of the open project has (segments without any left out)."""
        return self._takes.counts(self._session.project.id)

    def trims(self) -> dict[int, tuple[float, float]]:
        """The trim (start, end) of each segment's current take, where it is trimmed."""
        return self._takes.trims(self._session.project.id)

    def heard_duration(self, record: SegmentRecord) -> float | None:
        """The segment's audio as it is heard: its duration less its current take's trim."""
        if record.audio_duration is None:
            return None
        current = self._takes.current(record.id)
        return record.audio_duration if current is None else current.trimmed_duration

    def path(self, take: TakeRecord) -> Path:
        """The take's file, absolute."""
        return self._session.data_dir / take.audio_file

    def use(self, segment_id: int, number: int) -> TakeRecord | Refusal:
        """Make take `number` the segment's audio (undoable)."""
        found = self._segment(segment_id)
        if isinstance(found, Refusal):
            return found
        before = self._takes.current(segment_id)
        if self._takes.get(segment_id, number) is None:
            return no_take(segment_id, number)
        if found.is_locked:
            return Refusal(
                segment_id, RefusalReason.LOCKED, "{subject} is locked; unlock it to choose a take."
            )
        used = self._takes.use(segment_id, number)
        assert used is not None
        previous = None if before is None else before.number
        if previous != number:
            self._edits.record_take_step("Use take", UseTake(segment_id, number, previous))
        self._session.events.segment_changed.emit(segment_id)
        return used

    def trim(
        self, segment_id: int, start: float, end: float, number: int | None = None
    ) -> TakeRecord | Refusal:
        """Cut `start` and `end` seconds from the ends of a take (the current one by default) when it
        is heard; 0, 0 restores the whole take. Refused (INVALID) when that leaves nothing."""
        found = self._segment(segment_id)
        if isinstance(found, Refusal):
            return found
        take = self._takes.current(segment_id) if number is None else self._takes.get(segment_id, number)
        if take is None:
            if number is None:
                return Refusal(segment_id, RefusalReason.NOT_FOUND, "{subject} has no audio to trim.")
            return no_take(segment_id, number)
        if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end < 0:
            return Refusal(
                segment_id, RefusalReason.INVALID, "A trim is seconds cut from each end, 0 or more."
            )
        try:
            trimmed = self._takes.set_trim(segment_id, take.number, start, end)
        except TakeError as error:
            return Refusal(segment_id, RefusalReason.INVALID, str(error))
        assert trimmed is not None
        before, after = (take.trim_start, take.trim_end), (trimmed.trim_start, trimmed.trim_end)
        if before != after:
            self._edits.record_take_step("Trim take", TrimTake(segment_id, take.number, before, after))
        self._session.events.segment_changed.emit(segment_id)
        return trimmed

    def delete(self, segment_id: int, number: int) -> TakeRecord | Refusal:
        """Delete a take (its file kept for undo until the step is forgotten). The current take is
        refused while the segment has others."""
        found = self._segment(segment_id)
        if isinstance(found, Refusal):
            return found
        try:
            deleted = self._takes.delete(segment_id, number)
        except TakeError as error:
            return Refusal(segment_id, RefusalReason.INVALID, str(error))
        if deleted is None:
            return no_take(segment_id, number)
        self._edits.trash.keep_take(segment_id, deleted.id, self.path(deleted))
        self._edits.record_take_step("Delete take", DeleteTake(segment_id, deleted))
        self._session.events.segment_changed.emit(segment_id)
        return deleted

    def settings(self) -> tuple[int, float | None]:
        """The open project's take limit and auto-trim margin in seconds (None: auto-trim off)."""
        return self._takes.settings(self._session.project.id)

    def set_settings(self, limit: int, auto_trim_margin: float | None) -> None:
        """Keep at most `limit` takes per segment from the next render on; trim leading and trailing
        silence beyond `auto_trim_margin` seconds on render (None: off). SettingsError (with the
        reason) when out of range."""
        check_take_settings(limit, auto_trim_margin)
        try:
            self._takes.set_settings(self._session.project.id, limit, auto_trim_margin)
        except TakeError as error:
            raise SettingsError(str(error)) from error
