"""Task ids and their statuses: a thread-safe registry in plain Python (no Qt).

Workers update it directly, so a status read from any thread is current; Qt signals only tell the
UI to look. A task's status only moves forward: PENDING → RUNNING → COMPLETED | FAILED | CANCELLED,
or PENDING → CANCELLED.

Cancelling ends a task at once. A running task's worker notices at its next chunk boundary and
writes nothing; the one moment a task can no longer be cancelled is while its finished audio is
being recorded (`begin_commit`), and then it completes.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum


class TaskStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def is_active(self) -> bool:
        return self in (TaskStatus.PENDING, TaskStatus.RUNNING)


@dataclass(frozen=True)
class TaskInfo:
    task_id: str
    segment_id: int
    status: TaskStatus
    message: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    voice: str = ""
    chars: int = 0  # length of the text queued, for time-left estimates
    audio_file: str | None = None
    audio_duration: float | None = None


def new_task_id(segment_id: int) -> str:
    return f"tts_{segment_id}_{secrets.token_hex(4)}"


def _now() -> datetime:
    return datetime.now(UTC)


class TaskManager:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, TaskInfo] = {}
        self._active_by_segment: dict[int, str] = {}
        self._committing: set[str] = set()

    def create(self, segment_id: int, voice: str = "", chars: int = 0) -> TaskInfo:
        """Register a PENDING task for a segment that has no active task (see active_for)."""
        with self._lock:
            if segment_id in self._active_by_segment:
                raise ValueError(f"segment {segment_id} already has an active task")
            task_id = new_task_id(segment_id)
            while task_id in self._tasks:
                task_id = new_task_id(segment_id)
            info = TaskInfo(
                task_id, segment_id, TaskStatus.PENDING, created_at=_now(), voice=voice, chars=chars
            )
            self._tasks[task_id] = info
            self._active_by_segment[segment_id] = task_id
            return info

    def get(self, task_id: str) -> TaskInfo | None:
        with self._lock:
            return self._tasks.get(task_id)

    def all(self) -> list[TaskInfo]:
        with self._lock:
            return list(self._tasks.values())

    def active(self) -> list[TaskInfo]:
        with self._lock:
            return [self._tasks[t] for t in self._active_by_segment.values()]

    def has_active(self) -> bool:
        with self._lock:
            return bool(self._active_by_segment)

    def active_for(self, segment_id: int) -> TaskInfo | None:
        with self._lock:
            task_id = self._active_by_segment.get(segment_id)
            return None if task_id is None else self._tasks[task_id]

    def mark_running(self, task_id: str) -> bool:
        """PENDING → RUNNING; False if the task already ended (cancelled while it waited)."""
        with self._lock:
            info = self._tasks[task_id]
            if info.status is not TaskStatus.PENDING:
                return False
            self._tasks[task_id] = replace(info, status=TaskStatus.RUNNING, started_at=_now())
            return True

    def finish(self, task_id: str, status: TaskStatus, message: str = "", **values: object) -> TaskInfo:
        """Move an active task to its final status; a finished task never moves again."""
        with self._lock:
            return self._finish_locked(task_id, status, message, **values)

    def _finish_locked(self, task_id: str, status: TaskStatus, message: str, **values: object) -> TaskInfo:
        info = self._tasks[task_id]
        if info.status.is_active:
            info = replace(info, status=status, message=message, finished_at=_now(), **values)  # type: ignore[arg-type]
            self._tasks[task_id] = info
            if self._active_by_segment.get(info.segment_id) == task_id:
                del self._active_by_segment[info.segment_id]
        self._committing.discard(task_id)
        return info

    def cancel(self, task_id: str, reason: str = "") -> bool:
        """End the task now as CANCELLED; True if it was. A running task's worker stops at its next
        chunk and writes nothing. False if the task had ended, or is recording its audio (it completes)."""
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None or not info.status.is_active or task_id in self._committing:
                return False
            message = reason or (
                "Cancelled before it started."
                if info.status is TaskStatus.PENDING
                else "Cancelled; the earlier audio, if any, was kept."
            )
            self._finish_locked(task_id, TaskStatus.CANCELLED, message)
            return True

    def should_stop(self, task_id: str) -> bool:
        """For the worker: its task is no longer running (it was cancelled)."""
        with self._lock:
            return self._tasks[task_id].status is not TaskStatus.RUNNING

    def begin_commit(self, task_id: str) -> bool:
        """For the worker, before it records finished audio: True if the task is still running, and
        from now on it can no longer be cancelled; False if it was cancelled (write nothing)."""
        with self._lock:
            if self._tasks[task_id].status is not TaskStatus.RUNNING:
                return False
            self._committing.add(task_id)
            return True
