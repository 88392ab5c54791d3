"""The application's rules, shared by the GUI and the command line.

Everything here runs on the GUI (main) thread and returns at once: synthesis and model
loading happen in jobs on the TTS thread pool.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from sqlalchemy.exc import SQLAlchemyError

from narrator_app.app.datalock import lock_data_dir
from narrator_app.app.exporting import ExportJob, ExportPlan, ExportRequest, ExportSignals
from narrator_app.app.jobs import JobSignals, PrepareModelJob, TtsJob, TtsRequest
from narrator_app.app.model_jobs import ModelManager
from narrator_app.app.previews import Previews
from narrator_app.app.project_commands import ProjectCommands
from narrator_app.app.segment_commands import SegmentCommands
from narrator_app.app.undo import UndoHistory
from narrator_app.core.audio_check import audio_problem
from narrator_app.core.batch import BatchProgress, BatchState, BatchSummary
from narrator_app.core.recovery import RecoveryReport, recover
from narrator_app.core.rules import (
    AudioStatus,
    GenerationSettings,
    ProjectError,
    Refusal,
    RefusalReason,
    SettingsError,
    is_blank,
    literal,
    locked_refusal,
    segment_rule,
)
from narrator_app.core.tasks import TaskInfo, TaskManager, TaskStatus
from narrator_app.engine import KokoroModelLoader, construct_audio_path
from narrator_app.engine.disk_space import is_no_space_message
from narrator_app.engine.export import ExportItem
from narrator_app.engine.fingerprint import Fingerprint, model_identity
from narrator_app.engine.loader import PROVIDER_CHOICES, ModelFactory, ModelUnavailableError, plan_jobs
from narrator_app.engine.synthesis import LANGUAGES, MAX_SPEED, MIN_SPEED
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec
from narrator_app.engine.voices import VoicesFileError, default_voice
from narrator_app.paths import database_path
from narrator_app.store import ProjectRecord, Repository, SegmentRecord, SettingsRecord, open_database
from narrator_app.store.database import DatabaseError
from narrator_app.store.errors import describe_database_error, short_message
from narrator_app.store.repository import DEFAULT_PROJECT_NAME

log = logging.getLogger(__name__)

PREVIEW_PRIORITY = 1  # a preview runs before queued generations (QThreadPool priority)
# After a batch, the model is loaded again for a job alone once the window has had no task for this
# long: not between two batches started one after the other.
REWARM_DELAY_MS = 2000


class Controller(ProjectCommands, SegmentCommands, QObject):
    segments_reset = Signal()  # rows added or removed: re-read the list
    project_changed = Signal()  # another project was opened (or the current one renamed)
    segment_changed = Signal(int)  # one segment's text, lock or audio changed
    task_changed = Signal(str, int)  # task_id, segment_id: its status changed
    task_progress = Signal(str, int, float)  # task_id, segment_id, fraction of its text done
    batch_changed = Signal()  # the current generate-all batch moved on (or ended)
    settings_changed = Signal()  # voice, speed or language: audio may have become outdated
    history_changed = Signal()  # an edit was recorded, undone or redone (or another project opened)
    model_progress = Signal(float)
    model_prepared = Signal(str)
    # task_id, segment_id, 16-bit mono PCM, sample rate: a previewed segment's audio as it renders
    audio_rendered = Signal(str, int, object, int)

    def __init__(
        self,
        data_dir: Path,
        model_dir: Path | None = None,
        *,
        model_factory: ModelFactory | None = None,
        project: str | int | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Open the store in `data_dir` on the project named `project` (ProjectError if there is
        none), or on the default project, created on first use."""
        super().__init__(parent)
        self.data_dir = data_dir
        self._data_lock = lock_data_dir(data_dir)  # one process per data folder (datalock.py)
        try:
            self.database = open_database(database_path(data_dir))
        except BaseException:
            self._data_lock.unlock()
            raise
        self.repository = Repository(self.database)
        try:
            found = self._find_project(project)
        except BaseException:
            self.database.close()
            self._data_lock.unlock()
            raise
        self.project: ProjectRecord = found
        self.recovery = self._recover()
        self.loader = KokoroModelLoader(data_dir, model_dir, model_factory=model_factory)
        self.loader.provider = self.repository.get_settings().execution_provider
        self.models = ModelManager(self.loader, self)  # install, download, use bundled
        self.models.changed.connect(self._on_models_changed)
        self.previews = Previews(self.loader, data_dir, self)
        self.tasks = TaskManager()
        self.pool = QThreadPool(self)
        # Two jobs at once, one core each, render a batch 11-17% faster than one job with both cores;
        # a job alone still gets every core (loader.plan_threads, docs/performance.md).
        self.pool.setMaxThreadCount(plan_jobs(self.loader.cores))
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
        self._signals = JobSignals(self)
        self._signals.status_changed.connect(self._on_status_changed)
        self._signals.progress.connect(self._on_progress)
        self._signals.model_progress.connect(self.model_progress)
        self._signals.model_prepared.connect(self._on_model_prepared)
        self._signals.audio.connect(self.audio_rendered)
        self._jobs: dict[str, TtsJob] = {}  # queued or running, by task id (to stream a preview)
        self._export_pool = QThreadPool(self)
        self._export_pool.setMaxThreadCount(1)
        self._export_job: ExportJob | None = None
        self._export_signals = ExportSignals(self)
        self.export_progress = self._export_signals.progress
        self.export_finished = self._export_signals.finished
        self.export_failed = self._export_signals.failed
        self.edits = UndoHistory(self)
        self._closed = False

    def _find_project(self, project: str | int | None) -> ProjectRecord:
        try:
            if isinstance(project, int):
                found = self.repository.get_project(project)
            else:
                found = self.repository.find_project(project) if project else None
            if found is None and (project is None or project == DEFAULT_PROJECT_NAME):
                found = self.repository.ensure_project()
        except SQLAlchemyError as error:
            raise DatabaseError(describe_database_error(error, self.database.path)) from error
        if found is None:
            raise ProjectError(
                f"There is no project named {project!r}; `narrator-app projects list` shows them."
            )
        return found

    def _recover(self) -> RecoveryReport:
        """Repair what a crash left half-written (recovery.py); never stops Narrator from starting."""
        try:
            return recover(self.data_dir, self.repository)
        except (OSError, SQLAlchemyError) as error:
            log.warning("Could not check the data folder after an interruption: %s", short_message(error))
            return RecoveryReport()

    # -- generation -------------------------------------------------------------------------
    def check_generate(self, segment_id: int) -> SegmentRecord | Refusal:
        """The four rules, in order: not found, empty text, locked, model missing."""
        record = self._own(segment_id)
        if isinstance(record, Refusal):
            return record
        broken = segment_rule(record)
        if broken is RefusalReason.EMPTY_TEXT:
            return Refusal(segment_id, broken, "{subject} has no text to generate audio from.")
        if broken is RefusalReason.LOCKED:
            return locked_refusal(segment_id, "generate audio")
        assert record is not None
        available, problem = self.loader.is_model_available()
        if not available:
            return Refusal(segment_id, RefusalReason.MODEL_MISSING, literal(problem))
        return record

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

    def generate_all(self, *, regenerate: bool = False) -> BatchSummary | Refusal:
        """Queue every segment in order, silently skipping locked and empty ones and, unless
        `regenerate`, those whose audio is up to date. Refused as a whole if the model is missing."""
        available, problem = self.loader.is_model_available()
        if not available:
            return Refusal(None, RefusalReason.MODEL_MISSING, literal(problem))
        generation = self.generation_settings(refresh=True)
        summary = BatchSummary()
        chars: dict[str, int] = {}
        jobs: list[TtsJob] = []
        for record in self.segments():
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
            else:
                job = self._new_job(record, generation)
                jobs.append(job)
                task_id = job.request.task_id
            summary.queued += 1
            summary.task_ids.append(task_id)
            chars[task_id] = len(record.text)
        # Every task exists before the first job starts: it sees how many share the cores.
        for job in jobs:
            self._start(job)
        self.batch = BatchProgress(summary, chars)
        self.batch_changed.emit()
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
        if active is not None and job is not None and self.pool.tryTake(job):
            job.quick_start = job.streaming = True  # nothing rendered yet
            self.pool.start(job, PREVIEW_PRIORITY)
            return active.task_id
        if active is not None:
            self.cancel_task(active.task_id, "Cancelled: generated again to be played as it renders.")
        return self._queue(checked, self.generation_settings(refresh=True), preview=True)

    def batch_state(self) -> BatchState | None:
        return None if self.batch is None else self.batch.state(self.tasks, self._fractions)

    def _queue(self, record: SegmentRecord, generation: GenerationSettings, *, preview: bool = False) -> str:
        job = self._new_job(record, generation, preview=preview)
        self._start(job)
        return job.request.task_id

    def _new_job(
        self, record: SegmentRecord, generation: GenerationSettings, *, preview: bool = False
    ) -> TtsJob:
        """Register the task (PENDING) and make its job; `_start` queues it."""
        voice = record.voice or generation.voice  # the segment's own voice wins
        info = self.tasks.create(record.id, voice, len(record.text))
        request = TtsRequest(
            task_id=info.task_id,
            segment_id=record.id,
            voice=voice,
            speed=generation.speed,
            language=generation.language,
            model_id=generation.model_id,
            output_path=construct_audio_path(self.data_dir, record.project_id, record.id),
            data_dir=self.data_dir,
        )
        job = TtsJob(request, self.loader, self.repository, self.tasks, self._signals)
        self._jobs[info.task_id] = job
        job.quick_start = job.streaming = preview
        return job

    def _start(self, job: TtsJob) -> None:
        self.pool.start(job, PREVIEW_PRIORITY if job.streaming else 0)
        self.task_changed.emit(job.request.task_id, job.request.segment_id)

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

    def prepare_model(self, *, load: bool = False) -> bool:
        """In the background: assemble the bundled model if needed, import the TTS libraries and,
        if `load`, load the model. True if the model has to be assembled (the window shows progress)."""
        found = self.loader.availability()
        self._keep_warm = self._keep_warm or load
        if found.available:
            self.pool.start(PrepareModelJob(self.loader, self._signals, load=load))
        return found.needs_assembly

    def _rewarm_if_idle(self) -> None:
        """A while after the last task ended (REWARM_DELAY_MS), load the model again for a job alone
        if the last jobs ran with fewer threads (several at once), so that the next Generate audio
        or Play gets every core without waiting for the load. Only for the window (`_keep_warm`)."""
        if not self._keep_warm or self._closed or self._warming.is_set() or self.tasks.has_active():
            return
        loaded = self.loader.loaded_threads
        if loaded is None or loaded == (threads := self.loader.threads_for(1)):
            return
        loader, warming = self.loader, self._warming
        warming.set()

        def warm() -> None:
            try:
                loader.warm_up(threads)
            except Exception as error:  # the next generation reports it, with its task
                log.warning("Loading the model for a job alone failed: %s", error)
            finally:
                warming.clear()

        self.pool.start(warm)

    def _on_status_changed(self, task_id: str, segment_id: int) -> None:
        info = self.tasks.get(task_id)
        if info is not None and not info.status.is_active:
            self._fractions.pop(task_id, None)
            self._jobs.pop(task_id, None)
            if self._keep_warm and not self.tasks.has_active():
                self._rewarm_timer.start()
        if info is not None and info.status is TaskStatus.FAILED and is_no_space_message(info.message):
            self._stop_for_full_disk(info)
        if info is not None and info.audio_file is not None:
            self.segment_changed.emit(segment_id)
        self.task_changed.emit(task_id, segment_id)
        if self.batch is not None and task_id in self.batch.chars:
            self.batch_changed.emit()

    def _stop_for_full_disk(self, failed: TaskInfo) -> None:
        """The disk is full: every other queued or running task would fail the same way. Cancel
        them, saying why; what finished keeps its audio (disk_space.py)."""
        reason = f"Cancelled: segment {failed.segment_id} could not be written. {failed.message}"
        for other in self.tasks.active():
            self.cancel_task(other.task_id, reason)

    def _on_progress(self, task_id: str, segment_id: int, fraction: float) -> None:
        info = self.tasks.get(task_id)
        if info is None or not info.status.is_active:
            return  # a late signal from a task that already ended
        self._fractions[task_id] = fraction
        self.task_progress.emit(task_id, segment_id, fraction)
        if self.batch is not None and task_id in self.batch.chars:
            self.batch_changed.emit()

    def _on_models_changed(self) -> None:
        """New model files are in place: keep the voice if the new voices file has it, else take its
        default; every segment's audio status may have changed."""
        self._generation = None
        try:
            voices = self.available_voices()
            current = self.repository.get_settings().default_voice_id
            if current is not None:
                check_voice_spec(current, voices)
        except (ModelUnavailableError, VoicesFileError):
            pass
        except VoiceSpecError:
            self.repository.update_settings(default_voice_id=default_voice(voices))
        self.settings_changed.emit()
        self.model_prepared.emit("")

    def _on_model_prepared(self, problem: str) -> None:
        self._generation = None  # the model file (part of every fingerprint) may be new
        self.model_prepared.emit(problem)

    # -- export -----------------------------------------------------------------------------
    def export_plan(self) -> ExportPlan:
        plan = ExportPlan()
        for record in self.segments():
            if is_blank(record.text):
                continue
            path = self.audio_path(record)
            status = self.audio_status(record)[0]
            current = status is AudioStatus.READY or (record.is_locked and status is not AudioStatus.DAMAGED)
            if path is not None and current and path.is_file():
                plan.items.append(ExportItem(record.id, record.text, path))
            else:
                plan.missing.append(record)
        return plan

    @property
    def exporting(self) -> bool:
        return self._export_pool.activeThreadCount() > 0

    def start_export(self, request: ExportRequest, *, skip_missing: bool = False) -> tuple[ExportPlan, bool]:
        """Export in the background (signals export_progress / export_finished / export_failed).
        Returns the plan and whether the export started: not when an export is already running, or
        when segments lack current audio and `skip_missing` is False (the plan lists them)."""
        plan = self.export_plan()
        if self.exporting or (plan.missing and not skip_missing):
            return plan, False
        self._export_job = ExportJob(plan.items, request, self._export_signals, self.data_dir)
        self._export_pool.start(self._export_job)
        return plan, True

    def cancel_export(self) -> None:
        if self._export_job is not None:
            self._export_job.cancelled.set()

    # -- audio status -----------------------------------------------------------------------
    def generation_settings(self, *, refresh: bool = False) -> GenerationSettings:
        """Voice, speed, language and model a job would use now (cached; refreshed on demand)."""
        if self._generation is None or refresh:
            settings = self.settings()
            found = self.loader.availability()
            size = found.bundled.size if found.needs_assembly and found.bundled is not None else None
            self._generation = GenerationSettings(
                voice=settings.default_voice_id or "",
                speed=settings.tts_speed,
                language=settings.language,
                model_id=model_identity(found.model, size) if found.available else "",
            )
        return self._generation

    def audio_status(self, record: SegmentRecord) -> tuple[AudioStatus, str]:
        """none, ready, outdated (with what changed since the audio was made) or damaged."""
        if not record.has_audio:
            return AudioStatus.NONE, ""
        if problem := audio_problem(self.data_dir / str(record.audio_file), record.audio_duration):
            return AudioStatus.DAMAGED, problem
        made_with = Fingerprint.from_json(record.audio_fingerprint)
        if made_with is None:
            return AudioStatus.OUTDATED, "It is not known what produced this audio."
        changes = made_with.changes_from(self.generation_settings().fingerprint(record.text, record.voice))
        if not changes:
            return AudioStatus.READY, ""
        return AudioStatus.OUTDATED, f"The {' and '.join(changes)} changed since this audio was made."

    # -- settings ---------------------------------------------------------------------------
    def available_voices(self) -> tuple[str, ...]:
        """Voices in the installed voices file; raises ModelUnavailableError / VoicesFileError."""
        return self.loader.voices()

    def set_provider(self, provider: str) -> None:
        """Run the model on the CPU ("cpu") or, when onnxruntime offers it, on CUDA ("cuda")."""
        if provider not in PROVIDER_CHOICES:
            raise SettingsError(f"Unknown execution provider {provider!r}; choose cpu or cuda.")
        self.repository.update_settings(execution_provider=provider)
        self.loader.set_provider(provider)

    def check_voice(self, voice: str) -> str:
        """A voice or blend (`af_bella:2,af_sky:1`) checked against the installed voices, in its
        canonical form; raises SettingsError listing the voices (or ModelUnavailableError)."""
        voices = self.available_voices()
        try:
            return check_voice_spec(voice, voices, self.loader.availability().voices)
        except VoiceSpecError as error:
            raise SettingsError(str(error)) from error

    def settings(self) -> SettingsRecord:
        """The global settings; the default voice is filled in once a voices file is known."""
        settings = self.repository.get_settings()
        if settings.default_voice_id is None:
            try:
                voices = self.available_voices()
            except (ModelUnavailableError, VoicesFileError):
                return settings
            settings = self.repository.update_settings(default_voice_id=default_voice(voices))
        return settings

    def update_settings(
        self, *, voice: str | None = None, speed: float | None = None, language: str | None = None
    ) -> SettingsRecord:
        """Validate and store; raises SettingsError (what is allowed) or ModelUnavailableError."""
        if speed is not None and not MIN_SPEED <= speed <= MAX_SPEED:
            raise SettingsError(f"Speed must be between {MIN_SPEED} and {MAX_SPEED}; got {speed}.")
        if language is not None and language not in LANGUAGES:
            raise SettingsError(f"Unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}.")
        if voice is not None:
            voice = self.check_voice(voice)
        self.settings()  # make sure the row exists with its defaults
        updated = self.repository.update_settings(default_voice_id=voice, tts_speed=speed, language=language)
        self._generation = None
        self.settings_changed.emit()
        return updated

    # -- lifetime ---------------------------------------------------------------------------
    def wait_for_jobs(self, timeout_ms: int = -1) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop taking work, cancel what is queued or running, wait for the workers, close the store."""
        if self._closed:
            return
        self._closed = True
        self._rewarm_timer.stop()
        self.cancel_all()
        # Queued jobs were cancelled and exit at once when their turn comes; a running job stops
        # at its next chunk. Either way the database and files are left consistent.
        self.cancel_export()
        self.models.cancel()
        if not self.models.wait(timeout_ms) or not self.previews.wait(timeout_ms):
            log.warning("Installing model files did not stop within %d ms", timeout_ms)
        if not self.pool.waitForDone(timeout_ms) or not self._export_pool.waitForDone(timeout_ms):
            log.warning("A background job did not stop within %d ms", timeout_ms)
        self.edits.close()
        self.database.close()
        self._data_lock.unlock()
