"""Export of the whole narration in the background: the plan (what has current audio), the job and
its signals. The controller starts it; the window and the command line both use it."""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from narrator_app.core.export_targets import ExportTargetError, check_export_targets, export_targets
from narrator_app.core.recovery import pending_export
from narrator_app.engine.export import (
    ExportCancelled,
    ExportError,
    ExportItem,
    ExportResult,
    export_narration,
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


class ExportSignals(QObject):
    progress = Signal(float)  # 0..1
    finished = Signal(object)  # an ExportResult
    failed = Signal(str, bool)  # message, cancelled


class ExportJob(QRunnable):
    def __init__(
        self,
        items: list[ExportItem],
        request: ExportRequest,
        signals: ExportSignals,
        data_dir: Path | None = None,
    ) -> None:
        """`data_dir`: where to note the export while it runs, so a crash's temporary files are
        removed at the next start (recovery.py)."""
        super().__init__()
        self._data_dir = data_dir
        self._items = items
        self._request = request
        self._signals = signals
        self.cancelled = threading.Event()

    def run(self) -> None:
        req = self._request
        targets = export_targets(req.out_path, req.fmt, req.subtitles, req.segments_dir, self._items)
        try:  # never into the data folder, never one output over another (export_targets.py)
            check_export_targets(targets, self._data_dir, req.segments_dir)
        except ExportTargetError as error:
            self._signals.failed.emit(str(error), False)
            return
        journal: AbstractContextManager[None] = (
            pending_export(self._data_dir, targets) if self._data_dir is not None else nullcontext()
        )
        try:
            with journal:
                result = self._export()
        except ExportCancelled:
            self._signals.failed.emit("Export cancelled; nothing was written.", True)
        except ExportError as error:
            self._signals.failed.emit(str(error), False)
        except Exception as error:  # never let an exception escape a worker thread
            log.error("Export crashed: %s", error_for_log(error))
            self._signals.failed.emit(f"Export failed: {error}", False)
        else:
            self._signals.finished.emit(result)

    def _export(self) -> ExportResult:
        req = self._request
        return export_narration(
            self._items,
            req.out_path,
            fmt=req.fmt,
            pause=req.pause,
            subtitles=req.subtitles,
            segments_dir=req.segments_dir,
            should_cancel=self.cancelled.is_set,
            on_progress=self._signals.progress.emit,
        )
