"""Background work: the task registry, the TTS job (a QRunnable) and the signals it emits.

Jobs receive plain values only (ids, text, paths) and talk back through one `JobSignals`
QObject that lives on the GUI thread, so every slot runs there.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from narrator_app.engine import KokoroModelLoader, generate_audio, relative_audio_path
from narrator_app.engine.loader import ModelUnavailableError
from narrator_app.engine.voices import VoicesFileError
from narrator_app.store import Repository

log = logging.getLogger(__name__)


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
    audio_file: str | None = None
    audio_duration: float | None = None


def new_task_id(segment_id: int) -> str:
    return f"tts_{segment_id}_{secrets.token_hex(4)}"


class TaskManager:
    """Task ids → statuses. Plain Python behind a lock: workers update it directly, so a
    status read from any thread is current; the signals only tell the UI to look."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, TaskInfo] = {}
        self._cancel_requested: set[str] = set()

    def create(self, segment_id: int, voice: str = "") -> TaskInfo:
        with self._lock:
            task_id = new_task_id(segment_id)
            while task_id in self._tasks:
                task_id = new_task_id(segment_id)
            info = TaskInfo(task_id, segment_id, TaskStatus.PENDING, created_at=_now(), voice=voice)
            self._tasks[task_id] = info
            return info

    def get(self, task_id: str) -> TaskInfo | None:
        with self._lock:
            return self._tasks.get(task_id)

    def all(self) -> list[TaskInfo]:
        with self._lock:
            return list(self._tasks.values())

    def mark_running(self, task_id: str) -> bool:
        """PENDING → RUNNING; False if the task was cancelled before it started."""
        with self._lock:
            info = self._tasks[task_id]
            if info.status is not TaskStatus.PENDING:
                return False
            if task_id in self._cancel_requested:
                self._tasks[task_id] = replace(
                    info, status=TaskStatus.CANCELLED, message="Cancelled.", finished_at=_now()
                )
                return False
            self._tasks[task_id] = replace(info, status=TaskStatus.RUNNING, started_at=_now())
            return True

    def finish(self, task_id: str, status: TaskStatus, message: str = "", **values: object) -> TaskInfo:
        """Move an active task to its final status; a finished task never moves again."""
        with self._lock:
            info = self._tasks[task_id]
            if info.status.is_active:
                info = replace(info, status=status, message=message, finished_at=_now(), **values)  # type: ignore[arg-type]
                self._tasks[task_id] = info
            self._cancel_requested.discard(task_id)
            return info

    def request_cancel(self, task_id: str) -> None:
        with self._lock:
            if task_id in self._tasks and self._tasks[task_id].status.is_active:
                self._cancel_requested.add(task_id)

    def is_cancel_requested(self, task_id: str) -> bool:
        with self._lock:
            return task_id in self._cancel_requested

    def active(self) -> list[TaskInfo]:
        with self._lock:
            return [info for info in self._tasks.values() if info.status.is_active]


def _now() -> datetime:
    return datetime.now(UTC)


class JobSignals(QObject):
    """Lives on the GUI thread; workers emit, slots run on the GUI thread (queued)."""

    status_changed = Signal(str, int)  # task_id, segment_id: read TaskManager for the status
    progress = Signal(str, int, float)  # task_id, segment_id, seconds of audio made so far
    model_progress = Signal(float)  # 0..1 while the bundled model is assembled
    model_prepared = Signal(str)  # "" when the model files are ready, else the problem


@dataclass(frozen=True)
class TtsRequest:
    """Everything a job needs, as plain values."""

    task_id: str
    segment_id: int
    text: str
    voice: str
    speed: float
    language: str
    output_path: Path
    data_dir: Path


class TtsJob(QRunnable):
    def __init__(
        self,
        request: TtsRequest,
        loader: KokoroModelLoader,
        repository: Repository,
        tasks: TaskManager,
        signals: JobSignals,
    ) -> None:
        super().__init__()
        self.request = request
        self._loader = loader
        self._repository = repository
        self._tasks = tasks
        self._signals = signals

    def run(self) -> None:
        req = self.request
        if not self._tasks.mark_running(req.task_id):
            self._signals.status_changed.emit(req.task_id, req.segment_id)
            return
        self._signals.status_changed.emit(req.task_id, req.segment_id)
        try:
            status, message, values = self._generate()
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Task %s crashed", req.task_id)
            status, message, values = TaskStatus.FAILED, f"Unexpected error: {error}", {}
        self._tasks.finish(req.task_id, status, message, **values)
        self._signals.status_changed.emit(req.task_id, req.segment_id)

    def _generate(self) -> tuple[TaskStatus, str, dict[str, object]]:
        req = self.request
        try:
            model = self._loader.get_model(self._signals.model_progress.emit)
            voices = self._loader.voices()
        except (ModelUnavailableError, VoicesFileError) as error:
            return TaskStatus.FAILED, str(error), {}
        if req.voice not in voices:
            files = self._loader.availability()
            return (
                TaskStatus.FAILED,
                f"Voice {req.voice!r} is not in the voices file {files.voices} "
                f"(it has: {', '.join(voices)}). Choose a voice in Settings.",
                {},
            )
        result = generate_audio(
            req.text,
            req.voice,
            req.speed,
            req.language,
            req.output_path,
            model=model,
            should_cancel=lambda: self._tasks.is_cancel_requested(req.task_id),
            on_progress=lambda seconds: self._signals.progress.emit(req.task_id, req.segment_id, seconds),
        )
        if result.cancelled:
            return TaskStatus.CANCELLED, "Cancelled.", {}
        if not result.success or result.duration is None:
            return TaskStatus.FAILED, result.error, {}
        audio_file = relative_audio_path(req.data_dir, req.output_path)
        if not self._repository.set_audio(req.segment_id, audio_file, result.duration):
            req.output_path.unlink(missing_ok=True)
            return (
                TaskStatus.FAILED,
                f"Segment {req.segment_id} was deleted while its audio was generated.",
                {},
            )
        return (
            TaskStatus.COMPLETED,
            "",
            {"audio_file": audio_file, "audio_duration": result.duration},
        )


class PrepareModelJob(QRunnable):
    """Assemble the bundled model (if needed) in the background, reporting progress."""

    def __init__(self, loader: KokoroModelLoader, signals: JobSignals) -> None:
        super().__init__()
        self._loader = loader
        self._signals = signals

    def run(self) -> None:
        problem = ""
        try:
            self._loader.prepare(self._signals.model_progress.emit)
        except Exception as error:  # reported to the UI, never raised in a worker
            log.warning("Preparing the model failed: %s", error)
            problem = str(error)
        self._signals.model_prepared.emit(problem)
