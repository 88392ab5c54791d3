"""The application's rules, shared by the GUI and the command line.

Everything here runs on the GUI (main) thread and returns at once: synthesis and model
loading happen in jobs on the TTS thread pool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.engine import KokoroModelLoader, construct_audio_path
from narrator_app.engine.loader import ModelFactory, ModelUnavailableError, load_kokoro
from narrator_app.engine.synthesis import LANGUAGES, MAX_SPEED, MIN_SPEED
from narrator_app.engine.voices import VoicesFileError, default_voice
from narrator_app.jobs import JobSignals, PrepareModelJob, TaskInfo, TaskManager, TtsJob, TtsRequest
from narrator_app.paths import database_path
from narrator_app.store import ProjectRecord, Repository, SegmentRecord, SettingsRecord, open_database

log = logging.getLogger(__name__)


class RefusalReason(StrEnum):
    NOT_FOUND = "not_found"
    EMPTY_TEXT = "empty_text"
    LOCKED = "locked"
    MODEL_MISSING = "model_missing"


@dataclass(frozen=True)
class Refusal:
    """Why a request was not carried out, in words the user can act on.

    The message names the segment by id (what the command line takes); `describe` lets the
    window name it as the user sees it there, by its row number.
    """

    segment_id: int
    reason: RefusalReason
    template: str  # "{subject}" stands for the segment

    @property
    def message(self) -> str:
        return self.describe(f"Segment {self.segment_id}")

    def describe(self, subject: str) -> str:
        return self.template.format(subject=subject)


class SettingsError(ValueError):
    """A settings value is not allowed; the message lists what is."""


def _not_found(segment_id: int) -> Refusal:
    return Refusal(segment_id, RefusalReason.NOT_FOUND, "{subject} does not exist.")


def _locked(segment_id: int, doing: str) -> Refusal:
    return Refusal(
        segment_id,
        RefusalReason.LOCKED,
        "{subject} is locked; unlock it first to " + doing + ".",
    )


class Controller(QObject):
    segments_reset = Signal()  # rows added or removed: re-read the list
    segment_changed = Signal(int)  # one segment's text, lock or audio changed
    task_changed = Signal(str, int)  # task_id, segment_id: its status changed
    task_progress = Signal(str, int, float)  # task_id, segment_id, seconds of audio made
    model_progress = Signal(float)
    model_prepared = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        model_dir: Path | None = None,
        *,
        model_factory: ModelFactory = load_kokoro,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.database = open_database(database_path(data_dir))
        self.repository = Repository(self.database)
        self.project: ProjectRecord = self.repository.ensure_project()
        self.loader = KokoroModelLoader(data_dir, model_dir, model_factory=model_factory)
        self.tasks = TaskManager()
        # One job at a time, onnxruntime using every core for it: the fastest for the
        # common case of one segment (see GUIDE §2; jobs × threads never exceed the cores).
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = JobSignals(self)
        self._signals.status_changed.connect(self._on_status_changed)
        self._signals.progress.connect(self.task_progress)
        self._signals.model_progress.connect(self.model_progress)
        self._signals.model_prepared.connect(self.model_prepared)
        self._closed = False

    # -- segments ---------------------------------------------------------------------------
    def segments(self) -> list[SegmentRecord]:
        return self.repository.list_segments(self.project.id)

    def segment(self, segment_id: int) -> SegmentRecord | None:
        return self.repository.get_segment(segment_id)

    def add_segment(self, text: str = "", *, locked: bool = False) -> SegmentRecord:
        record = self.repository.add_segment(self.project.id, text, locked=locked)
        self.segments_reset.emit()
        return record

    def update_segment(
        self, segment_id: int, *, text: str | None = None, locked: bool | None = None
    ) -> SegmentRecord | Refusal:
        """Edit text and/or lock. A locked segment's text cannot change unless the same call unlocks it."""
        current = self.repository.get_segment(segment_id)
        if current is None:
            return _not_found(segment_id)
        unlocking = current.is_locked and locked is False
        if text is not None and text != current.text and current.is_locked and not unlocking:
            return _locked(segment_id, "edit its text")
        record = self.repository.update_segment(segment_id, text=text, locked=locked)
        if record is None:
            return _not_found(segment_id)
        if record != current:
            self.segment_changed.emit(segment_id)
        return record

    def delete_segment(self, segment_id: int) -> SegmentRecord | Refusal:
        current = self.repository.get_segment(segment_id)
        if current is None:
            return _not_found(segment_id)
        if current.is_locked:
            return _locked(segment_id, "delete it")
        for info in self.tasks.active():
            if info.segment_id == segment_id:
                self.cancel_task(info.task_id)
        deleted = self.repository.delete_segment(segment_id)
        if deleted is None:
            return _not_found(segment_id)
        if (path := self.audio_path(deleted)) is not None:
            path.unlink(missing_ok=True)
        self.segments_reset.emit()
        return deleted

    def audio_path(self, record: SegmentRecord) -> Path | None:
        """The absolute path of a segment's recorded audio, if it has any."""
        return None if record.audio_file is None else self.data_dir / record.audio_file

    # -- generation -------------------------------------------------------------------------
    def check_generate(self, segment_id: int) -> SegmentRecord | Refusal:
        """The four rules, in order: not found, empty text, locked, model missing."""
        record = self.repository.get_segment(segment_id)
        if record is None:
            return _not_found(segment_id)
        if not record.text.strip():
            return Refusal(
                segment_id,
                RefusalReason.EMPTY_TEXT,
                "{subject} has no text to generate audio from.",
            )
        if record.is_locked:
            return _locked(segment_id, "generate audio")
        available, problem = self.loader.is_model_available()
        if not available:
            return Refusal(
                segment_id, RefusalReason.MODEL_MISSING, problem.replace("{", "{{").replace("}", "}}")
            )
        return record

    def generate_audio(self, segment_id: int) -> str | Refusal:
        """Queue audio generation for one segment; returns the task id at once, or a refusal."""
        checked = self.check_generate(segment_id)
        if isinstance(checked, Refusal):
            return checked
        settings = self.settings()
        voice = settings.default_voice_id or ""
        info = self.tasks.create(segment_id, voice)
        request = TtsRequest(
            task_id=info.task_id,
            segment_id=segment_id,
            text=checked.text,
            voice=voice,
            speed=settings.tts_speed,
            language=settings.language,
            output_path=construct_audio_path(self.data_dir, checked.project_id, segment_id),
            data_dir=self.data_dir,
        )
        self.pool.start(TtsJob(request, self.loader, self.repository, self.tasks, self._signals))
        self.task_changed.emit(info.task_id, segment_id)
        return info.task_id

    def task(self, task_id: str) -> TaskInfo | None:
        return self.tasks.get(task_id)

    def latest_task_for(self, segment_id: int) -> TaskInfo | None:
        found = [t for t in self.tasks.all() if t.segment_id == segment_id]
        return found[-1] if found else None

    def cancel_task(self, task_id: str) -> None:
        """A pending task ends when its turn comes; a running one at the next chunk."""
        self.tasks.request_cancel(task_id)

    def prepare_model(self) -> bool:
        """Assemble the bundled model in the background if it is needed; True if started."""
        if not self.loader.availability().needs_assembly:
            return False
        self.pool.start(PrepareModelJob(self.loader, self._signals))
        return True

    def _on_status_changed(self, task_id: str, segment_id: int) -> None:
        info = self.tasks.get(task_id)
        if info is not None and info.audio_file is not None:
            self.segment_changed.emit(segment_id)
        self.task_changed.emit(task_id, segment_id)

    # -- settings ---------------------------------------------------------------------------
    def available_voices(self) -> tuple[str, ...]:
        """Voices in the installed voices file; raises ModelUnavailableError / VoicesFileError."""
        return self.loader.voices()

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
            voices = self.available_voices()
            if voice not in voices:
                raise SettingsError(f"Unknown voice {voice!r}; available voices: {', '.join(voices)}.")
        self.settings()  # make sure the row exists with its defaults
        return self.repository.update_settings(default_voice_id=voice, tts_speed=speed, language=language)

    # -- lifetime ---------------------------------------------------------------------------
    def wait_for_jobs(self, timeout_ms: int = -1) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop taking work, cancel what is queued or running, wait for the workers, close the store."""
        if self._closed:
            return
        self._closed = True
        for info in self.tasks.active():
            self.tasks.request_cancel(info.task_id)
        # Queued jobs still run, but only to mark themselves cancelled; a running job stops at
        # its next chunk. Either way the database and files are left consistent.
        if not self.pool.waitForDone(timeout_ms):
            log.warning("A generation job did not stop within %d ms", timeout_ms)
        self.database.close()
