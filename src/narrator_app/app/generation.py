"""Generating audio: the rules before a job, the TTS pool and its jobs, batches, cancelling, the
model's preparation and audio status: `controller.generation`.

Everything here runs on the GUI (main) thread and returns at once: synthesis and model loading
happen in jobs on the TTS pool (app/jobs.py on app/workers.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer

from narrator_app.app.direction import script_refusal, tag_voice_check
from narrator_app.app.jobs import JobSignals, TtsJob, TtsRequest, full_disk_reason, prepare_model
from narrator_app.app.lexicon_commands import lexicon_in_force
from narrator_app.app.session import Session
from narrator_app.app.workers import Worker, WorkerState
from narrator_app.core.audio_check import audio_problem
from narrator_app.core.batch import BatchProgress, BatchState, BatchSummary
from narrator_app.core.rules import (
    AudioStatus,
    GenerationSettings,
    Refusal,
    RefusalReason,
    is_blank,
    literal,
    locked_refusal,
    segment_rule,
)
from narrator_app.core.script import VoiceCheck
from narrator_app.core.tasks import TaskInfo, TaskStatus
from narrator_app.engine.audio_files import construct_take_path
from narrator_app.engine.disk_space import is_no_space_message
from narrator_app.engine.fingerprint import Fingerprint, model_identity
from narrator_app.engine.loader import plan_jobs
from narrator_app.store import SegmentRecord, SettingsRecord

log = logging.getLogger(__name__)

PREVIEW_PRIORITY = 1  # a preview runs before queued generations (QThreadPool priority)
# After a batch, the model is loaded again for a job alone once the window has had no task for this
# long: not between two batches started one after the other.
REWARM_DELAY_MS = 2000


class Generation(QObject):
    def __init__(
        self, session: Session, settings: Callable[[], SettingsRecord], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._read_settings = settings
        self.tasks = session.tasks
        self.pool = QThreadPool(self)
        # Two jobs at once, one core each, render a batch 11-17% faster than one job with both cores;
        # a job alone still gets every core (loader.plan_threads, docs/performance.md).
        self.pool.setMaxThreadCount(plan_jobs(session.loader.cores))
        # The window keeps the model loaded for a job alone (prepare_model(load=True)); the command
        # line does not, it exits when its tasks end.
        self._keep_warm = False
        self._warming = threading.Event()  # set while a worker loads it again (_rewarm_if_idle)
        self._rewarm_timer = QTimer(self)
        self._rewarm_timer.setSingleShot(True)
        self._rewarm_timer.setInterval(REWARM_DELAY_MS)
        self._rewarm_timer.timeout.connect(self._rewarm_if_idle)
        self.batch: BatchProgress | None = None
        self._fractions: dict[str, float] = {}  # running task → fraction of its text done
        self._generation: GenerationSettings | None = None
        events = session.events
        self._signals = JobSignals(self)
        self._signals.status_changed.connect(self._on_status_changed)
        self._signals.progress.connect(self._on_progress)
        self._signals.model_progress.connect(events.model_progress)
        self._signals.model_prepared.connect(self._on_model_prepared)
        self._signals.audio.connect(events.audio_rendered)
        self._jobs: dict[str, Worker] = {}  # queued or running TtsJobs, by task id (to stream a preview)

    def check_generate(self, segment_id: int) -> SegmentRecord | Refusal:
        """The four rules, in order: not found, empty text, locked, model missing; then the text's
        direction tags (core.script): a malformed one is an invalid-input refusal naming it."""
        record = self._session.own(segment_id)
        if isinstance(record, Refusal):
            return record
        broken = segment_rule(record)
        if broken is RefusalReason.EMPTY_TEXT:
            return Refusal(segment_id, broken, "{subject} has no text to generate audio from.")
        if broken is RefusalReason.LOCKED:
            return locked_refusal(segment_id, "generate audio")
        assert record is not None
        available, problem = self._session.loader.is_model_available()
        if not available:
            return Refusal(segment_id, RefusalReason.MODEL_MISSING, literal(problem))
        malformed = script_refusal(segment_id, record.text, tag_voice_check(self._session.loader))
        return record if malformed is None else malformed

    def tag_voice_check(self) -> VoiceCheck:
        """A `check_voice` for `[voice …]` tags (core.script) against the installed voices file, as
        generation checks them (for the editor's highlighting)."""
        return tag_voice_check(self._session.loader)

    def generate_audio(self, segment_id: int) -> str | Refusal:
        """Queue audio generation for one segment; returns the task id at once, or a refusal.

        A segment that is already queued or generating gets its existing task back.
        """
        checked = self.check_generate(segment_id)
        if isinstance(checked, Refusal):
            return checked
        if (active := self.tasks.active_for(segment_id)) is not None:
            return active.task_id
        return self._queue(checked, self.generation_settings(refresh=True))

    def generate_all(
        self, *, regenerate: bool = False, chapter_id: int | None = None
    ) -> BatchSummary | Refusal:
        """Queue every segment in order (of one chapter, with `chapter_id`), silently skipping locked and
        empty ones and, unless `regenerate`, those whose audio is up to date. Segments with a malformed
        direction tag are skipped too and counted (`skipped_invalid`, the first one's message in
        `invalid_message`): the rest of the batch goes ahead. Refused as a whole if the model is missing."""
        available, problem = self._session.loader.is_model_available()
        if not available:
            return Refusal(None, RefusalReason.MODEL_MISSING, literal(problem))
        generation = self.generation_settings(refresh=True)
        summary = BatchSummary()
        check_voice = tag_voice_check(self._session.loader)
        chars: dict[str, int] = {}
        jobs: list[Worker] = []
        for record in self._session.segments():
            if chapter_id is not None and record.chapter_id != chapter_id:
                continue
            if record.is_locked:
                summary.skipped_locked += 1
                continue
            if is_blank(record.text):
                summary.skipped_empty += 1
                continue
            if (active := self.tasks.active_for(record.id)) is not None:
                task_id = active.task_id
            elif not regenerate and self.audio_status(record)[0] is AudioStatus.READY:
                summary.skipped_unchanged += 1
                continue
            elif (malformed := script_refusal(record.id, record.text, check_voice)) is not None:
                summary.skipped_invalid += 1
                summary.invalid_message = summary.invalid_message or malformed.message
                continue
            else:
                job = self._new_job(record, generation)
                jobs.append(job)
                task_id = _tts(job).request.task_id
            summary.queued += 1
            summary.task_ids.append(task_id)
            chars[task_id] = len(record.text)
        # Every task exists before the first job starts: it sees how many share the cores.
        for job in jobs:
            self._start(job)
        self.batch = BatchProgress(summary, chars)
        self._session.events.batch_changed.emit()
        return summary

    def preview_audio(self, segment_id: int) -> str | Refusal:
        """Generate the segment's audio, sending it as it renders (`audio_rendered`) so that it can
        be played at once. An ordinary task otherwise: the same rules, the WAV written and recorded,
        Cancel stops it. It runs before queued work: a task of the segment still queued is moved to
        the front; one already running is started again (its audio so far was not kept)."""
        checked = self.check_generate(segment_id)
        if isinstance(checked, Refusal):
            return checked
        active = self.tasks.active_for(segment_id)
        job = None if active is None else self._jobs.get(active.task_id)
        if active is not None and job is not None and job.take(self.pool):
            _tts(job).quick_start = _tts(job).streaming = True  # nothing rendered yet
            job.start(self.pool, PREVIEW_PRIORITY)
            return active.task_id
        if active is not None:
            self.cancel_task(active.task_id, "Cancelled: generated again to be played as it renders.")
        return self._queue(checked, self.generation_settings(refresh=True), preview=True)

    def batch_state(self) -> BatchState | None:
        return None if self.batch is None else self.batch.state(self.tasks, self._fractions)

    def forget_batch(self) -> None:
        """Another project was opened: its batch is not this one's."""
        self.batch = None

    def _queue(self, record: SegmentRecord, generation: GenerationSettings, *, preview: bool = False) -> str:
        job = self._new_job(record, generation, preview=preview)
        self._start(job)
        return _tts(job).request.task_id

    def _new_job(
        self, record: SegmentRecord, generation: GenerationSettings, *, preview: bool = False
    ) -> Worker:
        """Register the task (PENDING) and make its job; `_start` queues it."""
        session = self._session
        voice = record.voice or generation.voice  # the segment's own voice wins
        info = self.tasks.create(record.id, voice, len(record.text))
        takes = session.repository.takes
        limit, margin = takes.settings(record.project_id)
        number = max((t.number for t in takes.of(record.id)), default=0) + 1
        request = TtsRequest(
            task_id=info.task_id,
            segment_id=record.id,
            voice=voice,
            speed=generation.speed if record.speed is None else record.speed,  # its own speed wins
            language=generation.language,
            model_id=generation.model_id,
            lexicon=generation.lexicon,
            output_path=construct_take_path(session.data_dir, record.project_id, record.id, number),
            data_dir=session.data_dir,
            take_limit=limit,
            auto_trim_margin=margin,
        )
        work = TtsJob(request, session.loader, session.repository, self.tasks, self._signals)
        work.quick_start = work.streaming = preview
        job = Worker(work, self._signals, registry=session.workers, name=info.task_id)
        self._jobs[info.task_id] = job
        return job

    def _start(self, job: Worker) -> None:
        work = _tts(job)
        # Announce PENDING before the pool can start the job: once started, a worker may mark the
        # task RUNNING before this thread gets to tell anyone it exists.
        self._session.events.task_changed.emit(work.request.task_id, work.request.segment_id)
        job.start(self.pool, PREVIEW_PRIORITY if work.streaming else 0)

    def task(self, task_id: str) -> TaskInfo | None:
        return self.tasks.get(task_id)

    def progress_of(self, task_id: str) -> float:
        """Fraction of a running task's text done so far (0..1)."""
        return self._fractions.get(task_id, 0.0)

    def cancel_task(self, task_id: str, reason: str = "") -> None:
        """End a queued or running task now as CANCELLED. A running one's worker stops at its next
        chunk boundary and writes nothing: the earlier audio stays as it was."""
        info = self.tasks.get(task_id)
        if info is not None and self.tasks.cancel(task_id, reason):
            self._on_status_changed(task_id, info.segment_id)

    def cancel_segment(self, segment_id: int, reason: str = "") -> bool:
        """Cancel the segment's queued or running task; False if it had none."""
        active = self.tasks.active_for(segment_id)
        if active is None:
            return False
        self.cancel_task(active.task_id, reason)
        return True

    def cancel_all(self) -> int:
        """Cancel every queued and running task; returns how many there were."""
        active = self.tasks.active()
        for info in active:
            self.cancel_task(info.task_id)
        return len(active)

    def stopping(self) -> int:
        """How many cancelled renders are still running on to their next sentence end (their
        workers have not returned yet): "Stopping…" until this is 0."""
        return sum(
            1
            for worker in self._session.workers.live()
            if isinstance(worker.fn, TtsJob)
            and (info := self.tasks.get(worker.fn.request.task_id)) is not None
            and not info.status.is_active
            and info.started_at is not None  # a queued one cancelled returns at once, unrendered
        )

    def prepare_model(self, *, load: bool = False) -> bool:
        """In the background: assemble the bundled model if needed, import the TTS libraries and,
        if `load`, load the model. True if the model has to be assembled (the window shows progress)."""
        session = self._session
        found = session.loader.availability()
        self._keep_warm = self._keep_warm or load
        if found.available:
            work = prepare_model(session.loader, self._signals, load=load)
            Worker(work, self._signals, registry=session.workers, name="prepare the model").start(self.pool)
        return found.needs_assembly

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the TTS pool's jobs (generation, the model's preparation) to end."""
        return self.pool.waitForDone(timeout_ms)

    def stop(self) -> None:
        """Shutting down: no reload any more, every task cancelled."""
        self._rewarm_timer.stop()
        self.cancel_all()

    def _rewarm_if_idle(self) -> None:
        """A while after the last task ended (REWARM_DELAY_MS), load the model again for a job alone
        if the last jobs ran with fewer threads (several at once), so that the next Generate audio
        or Play gets every core without waiting for the load. Only for the window (`_keep_warm`)."""
        session = self._session
        if not self._keep_warm or session.closed or self._warming.is_set() or self.tasks.has_active():
            return
        loaded = session.loader.loaded_threads
        if loaded is None or loaded == (threads := session.loader.threads_for(1)):
            return
        loader, warming = session.loader, self._warming
        warming.set()

        def warm(state: WorkerState) -> None:
            if state.aborted:
                warming.clear()
                return
            try:
                loader.warm_up(threads)
            except Exception as error:  # the next generation reports it, with its task
                log.warning("Loading the model for a job alone failed: %s", error)
            finally:
                warming.clear()

        Worker(warm, self._signals, registry=session.workers, name="reload the model").start(self.pool)

    def _on_status_changed(self, task_id: str, segment_id: int) -> None:
        events = self._session.events
        info = self.tasks.get(task_id)
        if info is not None and not info.status.is_active:
            self._fractions.pop(task_id, None)
            self._jobs.pop(task_id, None)
            if self._keep_warm and not self.tasks.has_active():
                self._rewarm_timer.start()
        if info is not None and info.status is TaskStatus.FAILED and is_no_space_message(info.message):
            self._stop_for_full_disk(info)
        if info is not None and info.audio_file is not None:
            events.segment_changed.emit(segment_id)
        events.task_changed.emit(task_id, segment_id)
        if self.batch is not None and task_id in self.batch.chars:
            events.batch_changed.emit()

    def _stop_for_full_disk(self, failed: TaskInfo) -> None:
        """The disk is full: every other queued or running task would fail the same way. Cancel
        them, saying why; what finished keeps its audio (disk_space.py)."""
        reason = full_disk_reason(failed.segment_id, failed.message)
        for other in self.tasks.active():
            self.cancel_task(other.task_id, reason)

    def _on_progress(self, task_id: str, segment_id: int, fraction: float) -> None:
        info = self.tasks.get(task_id)
        if info is None or not info.status.is_active:
            return  # a late signal from a task that already ended
        self._fractions[task_id] = fraction
        self._session.events.task_progress.emit(task_id, segment_id, fraction)
        if self.batch is not None and task_id in self.batch.chars:
            self._session.events.batch_changed.emit()

    def _on_model_prepared(self, problem: str) -> None:
        self._generation = None  # the model file (part of every fingerprint) may be new
        self._session.events.model_prepared.emit(problem)

    # -- audio status -----------------------------------------------------------------------
    def forget_settings(self) -> None:
        """The settings or the model files changed: read them again when next needed."""
        self._generation = None

    def generation_settings(self, *, refresh: bool = False) -> GenerationSettings:
        """Voice, speed, language, model and lexicon a job would use now (cached; refreshed on demand)."""
        if self._generation is None or refresh:
            settings = self._read_settings()
            found = self._session.loader.availability()
            size = found.bundled.size if found.needs_assembly and found.bundled is not None else None
            self._generation = GenerationSettings(
                voice=settings.default_voice_id or "",
                speed=settings.tts_speed,
                language=settings.language,
                model_id=model_identity(found.model, size) if found.available else "",
                lexicon=lexicon_in_force(self._session),
            )
        return self._generation

    def audio_status(self, record: SegmentRecord) -> tuple[AudioStatus, str]:
        """none, ready, outdated (with what changed since the audio was made) or damaged."""
        if not record.has_audio:
            return AudioStatus.NONE, ""
        if problem := audio_problem(self._session.data_dir / str(record.audio_file), record.audio_duration):
            return AudioStatus.DAMAGED, problem
        made_with = Fingerprint.from_json(record.audio_fingerprint)
        if made_with is None:
            return AudioStatus.OUTDATED, "It is not known what produced this audio."
        changes = made_with.changes_from(
            self.generation_settings().fingerprint(record.text, record.voice, record.speed)
        )
        if not changes:
            return AudioStatus.READY, ""
        return AudioStatus.OUTDATED, f"The {' and '.join(changes)} changed since this audio was made."


def _tts(job: Worker) -> TtsJob:
    work = job.fn
    assert isinstance(work, TtsJob)
    return work
