"""Generate all: what was queued or skipped, and how far the batch has come (plain Python, no Qt)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from narrator_app.core.tasks import TaskManager, TaskStatus


@dataclass
class BatchSummary:
    queued: int = 0
    skipped_locked: int = 0
    skipped_empty: int = 0
    skipped_unchanged: int = 0
    skipped_invalid: int = 0  # a malformed direction tag (core.script): refused, not queued
    invalid_message: str = ""  # the first of those refusals, in words
    task_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchState:
    total: int
    ended: int
    completed: int
    failed: int
    cancelled: int
    seconds_left: float | None  # None until there is a measured speed to estimate from
    running: int = 0  # tasks being rendered now (two at once on two cores)

    @property
    def finished(self) -> bool:
        return self.ended >= self.total

    @property
    def current(self) -> int:
        """The 1-based number of the task being worked on ("Generating 3 of 12")."""
        return min(self.ended + 1, self.total)

    @property
    def current_last(self) -> int:
        """The number of the last task being worked on: 4 when two run ("Generating 3–4 of 12")."""
        return min(self.ended + max(1, self.running), self.total)


class BatchProgress:
    """Time left comes from the speed measured so far in this batch: characters rendered per second
    of wall time (which includes loading the model and any other work sharing the machine)."""

    def __init__(self, summary: BatchSummary, chars: dict[str, int], started: float | None = None) -> None:
        self.summary = summary
        self.chars = chars
        self.started = time.monotonic() if started is None else started

    def state(self, tasks: TaskManager, fractions: dict[str, float], now: float | None = None) -> BatchState:
        now = time.monotonic() if now is None else now
        counts = {status: 0 for status in TaskStatus}
        rendered = 0.0  # characters rendered in this batch: the measured speed
        remaining = 0.0  # characters still to render
        for task_id in self.summary.task_ids:
            info = tasks.get(task_id)
            if info is None:
                continue
            counts[info.status] += 1
            chars = self.chars.get(task_id, 0)
            fraction = fractions.get(task_id, 0.0) if info.status is TaskStatus.RUNNING else 0.0
            if info.status is TaskStatus.COMPLETED:
                rendered += chars
            elif info.status.is_active:
                rendered += chars * fraction
                remaining += chars * (1.0 - fraction)
        elapsed = now - self.started
        seconds_left = None
        if rendered > 0 and elapsed > 0:
            seconds_left = remaining / (rendered / elapsed)
        ended = counts[TaskStatus.COMPLETED] + counts[TaskStatus.FAILED] + counts[TaskStatus.CANCELLED]
        return BatchState(
            total=len(self.summary.task_ids),
            ended=ended,
            completed=counts[TaskStatus.COMPLETED],
            failed=counts[TaskStatus.FAILED],
            cancelled=counts[TaskStatus.CANCELLED],
            seconds_left=seconds_left,
            running=counts[TaskStatus.RUNNING],
        )
