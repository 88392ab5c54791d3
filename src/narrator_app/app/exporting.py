"""Export of the whole narration in the background: the plan (what has current audio), the job (run
on a workers.Worker) and its signals. The controller starts it; the window and the command line
both use it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.app.session import Session
from narrator_app.app.workers import Worker, WorkerSignals, WorkerState
from narrator_app.core.audiobook import BookItem, BookOptions, ExportOutcome, export_project, output_paths
from narrator_app.core.export_targets import ExportTargetError, check_export_targets
from narrator_app.core.recovery import pending_export
from narrator_app.core.rules import AudioStatus, is_blank
from narrator_app.core.script import ScriptError, parse_script
from narrator_app.engine.book_audio import BookTags
from narrator_app.engine.disk_space import write_failure
from narrator_app.engine.export import ExportCancelled, ExportError, ExportItem
from narrator_app.engine.m4b import DEFAULT_CHAPTER_PAUSE
from narrator_app.logs import error_for_log
from narrator_app.store import SegmentRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportPlan:
    """Segments in order: those with current audio (locked ones too: locking protects audio, it does
    not exclude it), and those still missing it. Empty segments are neither."""

    items: list[ExportItem] = field(default_factory=list)
    missing: list[SegmentRecord] = field(default_factory=list)
    book: list[BookItem] = field(default_factory=list)  # the items with their chapters and timings


@dataclass(frozen=True)
class ExportRequest:
    out_path: Path
    fmt: str = "wav"
    pause: float = 0.5
    subtitles: str | None = None
    segments_dir: Path | None = None  # also each segment's file, into this folder
    split: str | None = None  # "chapters": a file per chapter (m4b or mp3) and an M3U, in out_path's folder
    chapter_pause: float = DEFAULT_CHAPTER_PAUSE
    bitrate: int = 64_000
    loudness: str | None = None  # "acx", "podcast", "broadcast", "off" or LUFS ("-18"); None: off
    # Tags: None takes the project's book details.
    title: str | None = None
    author: str | None = None
    narrator: str | None = None
    year: str | None = None
    genre: str | None = None
    description: str | None = None
    cover: Path | None = None
    cue_by: str = "sentence"
    check_acx: bool = False

    def options(self, details: object) -> BookOptions:
        """The engine's options, the tags left None filled from `details` (the book details)."""

        def tag(name: str) -> str:
            given = getattr(self, name)
            return str(given if given is not None else getattr(details, name, "") or "")

        tags = BookTags(
            title=tag("title"),
            author=tag("author"),
            narrator=tag("narrator"),
            year=tag("year"),
            genre=tag("genre"),
            description=tag("description"),
            cover=self.cover,
            # No --cover (or chosen in the dialog): the project's own picture, from Book details.
            cover_data=None if self.cover is not None else getattr(details, "cover", None),
        )
        return BookOptions(
            self.out_path,
            fmt=self.fmt,
            pause=self.pause,
            subtitles=self.subtitles,
            segments_dir=self.segments_dir,
            split=self.split,
            chapter_pause=self.chapter_pause,
            bitrate=self.bitrate,
            loudness=None if self.loudness in (None, "off") else self.loudness,
            tags=tags,
            cue_by=self.cue_by,
            check_acx=self.check_acx,
        )


class ExportSignals(WorkerSignals):
    progress = Signal(float)  # 0..1
    finished = Signal(object)  # an ExportOutcome (core/audiobook.py)
    failed = Signal(str, bool)  # message, cancelled


class ExportJob:
    """The work of one export, run by a Worker (`job(state)`); aborting the worker cancels it."""

    def __init__(
        self,
        items: Sequence[BookItem | ExportItem],
        request: BookOptions | ExportRequest,
        signals: ExportSignals,
        data_dir: Path | None = None,
        *,
        journal: bool = True,
    ) -> None:
        """`data_dir`: never written into; and unless `journal` is False (an export beside the
        folder's holder, which alone writes there), where to note the export while it runs, so a
        crash's temporary files are removed at the next start (recovery.py). Plain ExportItems
        form one untitled chapter, and an ExportRequest's tags are used as they are."""
        self._data_dir = data_dir
        self._journal = journal
        self._items = [i if isinstance(i, BookItem) else BookItem(i, 0, "") for i in items]
        self._request = request if isinstance(request, BookOptions) else request.options(None)
        self._signals = signals

    def __call__(self, state: WorkerState) -> None:
        req = self._request
        targets = output_paths(req, self._items)
        try:  # never into the data folder, never one output over another (export_targets.py)
            cover = [req.tags.cover] if req.tags.cover is not None else []
            check_export_targets(targets, self._data_dir, req.segments_dir, cover)
        except ExportTargetError as error:
            state.emit(self._signals.failed, str(error), False)
            return
        journal: AbstractContextManager[None] = (
            pending_export(self._data_dir, targets)
            if self._data_dir is not None and self._journal
            else nullcontext()
        )
        try:
            with journal:
                result = self._export(state)
        except ExportCancelled:
            state.emit(self._signals.failed, "Export cancelled; nothing was written.", True)
        except ExportError as error:
            state.emit(self._signals.failed, str(error), False)
        except OSError as error:  # e.g. the journal or a folder: said in words, not "[Errno 36]"
            log.warning("Export failed: %s", error)
            state.emit(self._signals.failed, write_failure(req.out_path, error), False)
        except Exception as error:  # never let an exception escape a worker thread
            log.error("Export crashed: %s", error_for_log(error))
            state.emit(self._signals.failed, f"Export failed: {error}", False)
        else:
            state.emit(self._signals.finished, result)

    def _export(self, state: WorkerState) -> ExportOutcome:
        return export_project(
            self._items,
            self._request,
            should_cancel=lambda: state.aborted,
            on_progress=state.emitter(self._signals.progress),
        )


def spoken_text(text: str) -> str:
    """What a segment says, without its direction tags (for subtitles and file names)."""
    if "[" not in text:
        return text
    try:
        return parse_script(text).plain_text
    except ScriptError:  # audio made before the tag was broken: its text as it is
        return text


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
        self._started_at: float | None = None
        self._signals = ExportSignals(self)
        # An export runs until its result is handed over here, in the owner's thread: the worker may
        # be done a moment before (its finished/failed still queued), and a second export started in
        # that moment would run before the first one's result was seen. Connected first, so it runs
        # before any other receiver of the same signal.
        self._unanswered = False
        self._signals.finished.connect(self._answered)
        self._signals.failed.connect(self._answered)
        self.progress = self._signals.progress
        self.finished = self._signals.finished
        self.failed = self._signals.failed

    def plan(self) -> ExportPlan:
        plan = ExportPlan()
        session = self._session
        titles = {c.id: c.title for c in session.repository.chapters.of(session.project.id)}
        trims = self._session.repository.takes.trims(self._session.project.id)
        for record in self._session.segments():
            if is_blank(record.text):
                continue
            path = self._session.audio_path(record)
            status = self._audio_status(record)[0]
            current = status is AudioStatus.READY or (record.is_locked and status is not AudioStatus.DAMAGED)
            if path is not None and current and path.is_file():
                start, end = trims.get(record.id, (0.0, 0.0))
                item = ExportItem(
                    record.id,
                    spoken_text(record.text),
                    path,
                    pause_after=record.pause_after,
                    start=start,
                    end=end,
                )
                plan.items.append(item)
                title = titles.get(record.chapter_id, "")
                plan.book.append(BookItem(item, record.chapter_id, title, record.audio_timings))
            else:
                plan.missing.append(record)
        return plan

    def targets(self, request: ExportRequest, plan: ExportPlan | None = None) -> list[Path]:
        """Every file `request` would write for the project as it is (or for `plan`): the audio,
        subtitles, each chapter's or segment's file, the playlist (core/audiobook.output_paths)."""
        session = self._session
        details = session.repository.chapters.book_details(session.project.id)
        return output_paths(request.options(details), (plan or self.plan()).book)

    @property
    def running(self) -> bool:
        return self._worker is not None and (self._unanswered or self._worker in self._session.workers.live())

    def _answered(self, *_: object) -> None:
        self._unanswered = False

    def start(self, request: ExportRequest, *, skip_missing: bool = False) -> tuple[ExportPlan, bool]:
        """Export in the background (signals progress / finished / failed). Returns the plan and
        whether the export started: not when an export is already running, or when segments lack
        current audio and `skip_missing` is False (the plan lists them)."""
        plan = self.plan()
        if self.running or (plan.missing and not skip_missing):
            return plan, False
        session = self._session
        details = session.repository.chapters.book_details(session.project.id)
        job = ExportJob(
            plan.book,
            request.options(details),
            self._signals,
            session.data_dir,
            journal=not session.read_only,
        )
        self._worker = Worker(job, self._signals, registry=session.workers, name="export")
        self._started_at = time.monotonic()
        self._unanswered = True
        self._worker.start(self._pool)
        return plan, True

    def time_left(self, fraction: float, now: float | None = None) -> float | None:
        """Seconds the running export still needs at this rate, from the time since it started and the
        fraction done; None before there is enough to tell (under 2 % or 1 s)."""
        if self._started_at is None:
            return None
        elapsed = (time.monotonic() if now is None else now) - self._started_at
        if fraction < 0.02 or elapsed < 1.0:
            return None
        return elapsed * (1.0 - fraction) / fraction

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.abort()
