"""Export of the whole narration in the background: the plan (what has current audio), the job (run
on a workers.Worker) and its signals. The controller starts it; the window and the command line
both use it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.app.session import Session
from narrator_app.app.workers import Worker, WorkerSignals, WorkerState
from narrator_app.core.recovery import pending_export
from narrator_app.core.rules import AudioStatus
from narrator_app.engine.export import (
    ExportCancelled,
    ExportError,
    ExportItem,
    ExportResult,
    export_narration,
    segment_file_name,
    subtitle_path,
)
from narrator_app.logs import error_for_log
from narrator_app.store import SegmentRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportPlan:
    """Segments in order: those with current audio (locked ones too: locking protects audio, it does
    not exclude it), and those still missing it. Empty segments are neither."""

    items: list[ExportItem] = field(default_factory=list)
    missing: list[SegmentRecord] = field(default_factory=list)


@dataclass(frozen=True)
class ExportRequest:
    out_path: Path
    fmt: str = "wav"
    pause: float = 0.5
    subtitles: str | None = None
    segments_dir: Path | None = None  # also each segment's file, into this folder


class ExportSignals(WorkerSignals):
    progress = Signal(float)  # 0..1
    finished = Signal(object)  # an ExportResult
    failed = Signal(str, bool)  # message, cancelled


class ExportJob:
    """The work of one export, run by a Worker (`job(state)`); aborting the worker cancels it."""

    def __init__(
        self,
        items: list[ExportItem],
        request: ExportRequest,
        signals: ExportSignals,
        data_dir: Path | None = None,
    ) -> None:
        """`data_dir`: where to note the export while it runs, so a crash's temporary files are
        removed at the next start (recovery.py)."""
        self._data_dir = data_dir
        self._items = items
        self._request = request
        self._signals = signals

    def __call__(self, state: WorkerState) -> None:
        req = self._request
        targets = [req.out_path] + ([subtitle_path(req.out_path, req.subtitles)] if req.subtitles else [])
        if req.segments_dir is not None:  # each segment's own file too
            targets += [
                req.segments_dir / segment_file_name(n, item.text, req.fmt)
                for n, item in enumerate(self._items, start=1)
            ]
        journal: AbstractContextManager[None] = (
            pending_export(self._data_dir, targets) if self._data_dir is not None else nullcontext()
        )
        try:
            with journal:
                result = self._export(state)
        except ExportCancelled:
            state.emit(self._signals.failed, "Export cancelled; nothing was written.", True)
        except ExportError as error:
            state.emit(self._signals.failed, str(error), False)
        except Exception as error:  # never let an exception escape a worker thread
            log.error("Export crashed: %s", error_for_log(error))
            state.emit(self._signals.failed, f"Export failed: {error}", False)
        else:
            state.emit(self._signals.finished, result)

    def _export(self, state: WorkerState) -> ExportResult:
        req = self._request
        return export_narration(
            self._items,
            req.out_path,
            fmt=req.fmt,
            pause=req.pause,
            subtitles=req.subtitles,
            segments_dir=req.segments_dir,
            should_cancel=lambda: state.aborted,
            on_progress=state.emitter(self._signals.progress),
        )


class Exports(QObject):
    """`controller.exports`: what would be exported (`plan`), one export at a time in the
    background (`start`, `cancel`), and its signals `progress`, `finished`, `failed`."""

    def __init__(
        self,
        session: Session,
        audio_status: Callable[[SegmentRecord], tuple[AudioStatus, str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._audio_status = audio_status
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._worker: Worker | None = None
        self._signals = ExportSignals(self)
        self.progress = self._signals.progress
        self.finished = self._signals.finished
        self.failed = self._signals.failed

    def plan(self) -> ExportPlan:
        plan = ExportPlan()
        trims = self._session.repository.takes.trims(self._session.project.id)
        for record in self._session.segments():
            if not record.text.strip():
                continue
            path = self._session.audio_path(record)
            current = self._audio_status(record)[0] is AudioStatus.READY
            if path is not None and (current or record.is_locked) and path.is_file():
                start, end = trims.get(record.id, (0.0, 0.0))
                plan.items.append(ExportItem(record.id, record.text, path, start, end))
            else:
                plan.missing.append(record)
        return plan

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker in self._session.workers.live()

    def start(self, request: ExportRequest, *, skip_missing: bool = False) -> tuple[ExportPlan, bool]:
        """Export in the background (signals progress / finished / failed). Returns the plan and
        whether the export started: not when an export is already running, or when segments lack
        current audio and `skip_missing` is False (the plan lists them)."""
        plan = self.plan()
        if self.running or (plan.missing and not skip_missing):
            return plan, False
        session = self._session
        job = ExportJob(plan.items, request, self._signals, session.data_dir)
        self._worker = Worker(job, self._signals, registry=session.workers, name="export")
        self._worker.start(self._pool)
        return plan, True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.abort()
