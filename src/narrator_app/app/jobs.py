"""Background work: the TTS job and the model-preparation job (functions run on app/workers.py's
Worker), and their signals.

Jobs receive plain values only (ids, settings, paths) and talk back through one `JobSignals`
QObject that lives on the GUI thread, so every slot runs there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal, SignalInstance

from narrator_app.app.workers import WorkerSignals, WorkerState
from narrator_app.core.cue_text import cue_sentences
from narrator_app.core.direction import script_parts, voice_checker
from narrator_app.core.lexicon import LexiconEntry
from narrator_app.core.pronounce import prepare_parts, pronunciation_fingerprint
from narrator_app.core.rules import RefusalReason, segment_rule
from narrator_app.core.script import ScriptError, parse_script
from narrator_app.core.tasks import TaskManager, TaskStatus
from narrator_app.engine import KokoroModelLoader, audio_files, relative_audio_path
from narrator_app.engine.disk_space import is_no_space_message
from narrator_app.engine.fingerprint import Fingerprint
from narrator_app.engine.loader import ModelUnavailableError
from narrator_app.engine.parts import Spoken
from narrator_app.engine.synthesis import CommitRefused, generate_parts_audio
from narrator_app.engine.timings import sentence_timings_json, spoken_sentences
from narrator_app.engine.trim import silence_trim
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec, is_blend, voice_style
from narrator_app.engine.voices import VoicesFileError
from narrator_app.logs import error_for_log
from narrator_app.store import Repository

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # at most ten progress signals a second per job
_DROPPED = {
    RefusalReason.NOT_FOUND: "Dropped: the segment was deleted after it was queued.",
    RefusalReason.EMPTY_TEXT: "Dropped: the segment's text was emptied after it was queued.",
    RefusalReason.LOCKED: "Dropped: the segment was locked after it was queued.",
}


class JobSignals(WorkerSignals):
    """Lives on the GUI thread; workers emit, slots run on the GUI thread (queued)."""

    status_changed = Signal(str, int)  # task_id, segment_id: read TaskManager for the status
    progress = Signal(str, int, float)  # task_id, segment_id, fraction of the text done (0..1)
    model_progress = Signal(float)  # 0..1 while the bundled model is assembled
    model_prepared = Signal(str)  # "" when the model files are ready, else the problem
    # task_id, segment_id, 16-bit mono PCM (bytes), sample rate: audio as it is rendered, for the
    # jobs asked to stream it (a preview). A few signals per sentence, never more.
    audio = Signal(str, int, object, int)


def pcm16(samples: NDArray[np.float32]) -> bytes:
    """Float samples (-1..1) as little-endian 16-bit PCM, exactly as the WAV file holds them."""
    return audio_files.pcm16(samples).astype("<i2").tobytes()


@dataclass(frozen=True)
class TtsRequest:
    """Everything a job needs, as plain values. The text is read when the job starts, so a task
    that waited renders the segment as it is then."""

    task_id: str
    segment_id: int
    voice: str
    speed: float
    language: str
    model_id: str
    output_path: Path  # a new file for this take (audio_files.construct_take_path)
    data_dir: Path
    lexicon: tuple[LexiconEntry, ...] = ()  # the entries in force (frozen records), project's first
    take_limit: int | None = None  # the project's: the oldest non-current takes beyond it are dropped
    auto_trim_margin: float | None = None  # trim silence beyond this margin at either end (None: off)


def full_disk_reason(segment_id: int, message: str) -> str:
    return f"Cancelled: segment {segment_id} could not be written. {message}"


class TtsJob:
    """The work of one TTS task, run by a Worker (`job(state)`)."""

    def __init__(
        self,
        request: TtsRequest,
        loader: KokoroModelLoader,
        repository: Repository,
        tasks: TaskManager,
        signals: JobSignals,
    ) -> None:
        self.request = request
        self._loader = loader
        self._repository = repository
        self._tasks = tasks
        self._signals = signals
        self._last_progress = 0.0
        # A preview: short first chunks, and every piece of audio handed to the GUI as it is rendered
        # (JobSignals.audio). Both set before the job starts, never after: the audio is not kept.
        self.quick_start = False
        self.streaming = False
        self._state: WorkerState | None = None

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        if self._state is not None:
            self._state.emit(signal, *args)  # dropped once the controller is gone

    def _on_audio(self, samples: NDArray[np.float32], rate: int) -> None:
        if self.streaming:
            self._emit(
                self._signals.audio, self.request.task_id, self.request.segment_id, pcm16(samples), rate
            )

    def __call__(self, state: WorkerState) -> None:
        self._state = state
        req = self.request
        try:
            text = self._recheck()
            if text is None or not self._tasks.mark_running(req.task_id):
                return
            self._emit_status()
            status, message, values = self._generate(text)
        except Exception as error:  # never let an exception escape a worker thread
            log.error("Task %s crashed: %s", req.task_id, error_for_log(error))
            self._tasks.mark_running(req.task_id)  # FAILED only ever follows RUNNING
            status, message, values = TaskStatus.FAILED, f"Unexpected error: {error}", {}
        # A no-op when the task was cancelled meanwhile: it ended then, and nothing was written.
        self._tasks.finish(req.task_id, status, message, **values)
        self._emit_status()
        if status is TaskStatus.FAILED and is_no_space_message(message):
            self._stop_the_others(message)

    def _stop_the_others(self, message: str) -> None:
        """The disk is full: every other queued or running task would fail the same way. They are
        cancelled here, saying why, before this worker returns and its thread takes the next job;
        what finished keeps its audio (disk_space.py). The GUI thread does the same for any that
        start meanwhile, when this failure reaches it (Generation._stop_for_full_disk)."""
        reason = full_disk_reason(self.request.segment_id, message)
        for other in self._tasks.active():
            if self._tasks.cancel(other.task_id, reason):
                self._emit(self._signals.status_changed, other.task_id, other.segment_id)

    def _emit_status(self) -> None:
        self._emit(self._signals.status_changed, self.request.task_id, self.request.segment_id)

    def _recheck(self) -> str | None:
        """The rules again, as the task starts: a segment deleted, emptied or locked since it was
        queued is dropped (CANCELLED, with the reason). Returns the text to render."""
        req = self.request
        info = self._tasks.get(req.task_id)
        if info is None or info.status is not TaskStatus.PENDING:
            return None  # cancelled while it waited
        record = self._repository.get_segment(req.segment_id)
        broken = segment_rule(record)
        if broken is not None:
            self._tasks.finish(req.task_id, TaskStatus.CANCELLED, _DROPPED[broken])
            self._emit_status()
            return None
        assert record is not None
        return record.text

    def _on_progress(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._emit(self._signals.progress, self.request.task_id, self.request.segment_id, fraction)

    def _auto_trim(self, number: int, margin: float) -> None:
        """Trim the new take's leading and trailing silence beyond `margin` (a failure is only
        logged: the take is kept whole)."""
        req = self.request
        try:
            start, end = silence_trim(req.output_path, margin)
            if start or end:
                self._repository.takes.set_trim(req.segment_id, number, start, end)
        except (OSError, RuntimeError, ValueError) as error:
            log.warning("Auto-trim of segment %d take %d failed: %s", req.segment_id, number, error)

    def _model_progress(self, fraction: float) -> None:
        self._emit(self._signals.model_progress, fraction)

    def _should_stop(self) -> bool:
        return self._tasks.should_stop(self.request.task_id) or (
            self._state is not None and self._state.aborted
        )

    def _generate(self, text: str) -> tuple[TaskStatus, str, dict[str, object]]:
        req = self.request
        try:
            # Every core for a job alone; the cores shared when other tasks wait or run beside it.
            threads = self._loader.threads_for(len(self._tasks.active()))
            model = self._loader.get_model(self._model_progress, threads=threads)
            voices = self._loader.voices()
        except (ModelUnavailableError, VoicesFileError) as error:
            return TaskStatus.FAILED, str(error), {}
        voices_file = self._loader.availability().voices
        if not is_blend(req.voice) and req.voice not in voices:
            return (
                TaskStatus.FAILED,
                f"Voice {req.voice!r} is not in the voices file {voices_file} "
                f"(it has: {', '.join(voices)}). Choose a voice in Settings.",
                {},
            )
        try:
            check_voice_spec(req.voice, voices, voices_file)
            style = voice_style(req.voice, voices_file) if voices_file is not None else req.voice
        except (VoiceSpecError, OSError, KeyError) as error:
            return TaskStatus.FAILED, f"{error} Choose a voice in Settings.", {}

        def style_of(spec: str) -> str | NDArray[np.float32]:
            if spec == req.voice:
                return style
            return voice_style(spec, voices_file) if voices_file is not None else spec

        # The text (tags and all) as a script of speech runs and pauses: the tags never reach the
        # model; a text without tags is one part, rendered exactly as before there were tags.
        try:
            script = parse_script(text, voice_checker(voices, voices_file))
            parts = script_parts(script, req.voice, req.speed, style_of)
        except ScriptError as error:  # the text changed after the rules passed it
            return TaskStatus.FAILED, f"{error} Correct the tag to generate audio.", {}
        except (VoiceSpecError, OSError, KeyError) as error:  # a tag's voice (blend) cannot be loaded
            return TaskStatus.FAILED, f"{error}", {}
        # The lexicon and written forms (core.pronounce); the loaded model's own tokenizer phonemises.
        parts = prepare_parts(parts, req.lexicon, req.language, getattr(model, "tokenizer", None))
        recorded: dict[str, object] = {}
        spoken: list[Spoken] = []  # every chunk's place in the audio, all of them before commit

        def commit(duration: float) -> None:
            """Record the new audio, or refuse (and the earlier file is put back)."""
            if not self._tasks.begin_commit(req.task_id):
                raise CommitRefused("Cancelled; the earlier audio, if any, was kept.")
            audio_file = relative_audio_path(req.data_dir, req.output_path)
            # The fingerprint is of the text rendered: if the text changed meanwhile, the audio
            # shows as outdated instead of passing for the new text.
            lexicon, normalization = pronunciation_fingerprint(text, req.language, req.lexicon)
            fingerprint = Fingerprint.of(
                text,
                req.voice,
                req.speed,
                req.language,
                req.model_id,
                lexicon=lexicon,
                normalization=normalization,
            )
            # Where each sentence's audio starts and ends, with its text as written (subtitle cues).
            sentences = cue_sentences(spoken_sentences(spoken), script.plain_text, req.language, req.lexicon)
            # A new take, made current, in one transaction: the earlier takes and their files stay.
            added = self._repository.takes.add(
                req.segment_id,
                audio_file,
                duration,
                fingerprint.to_json(),
                req.voice,
                req.speed,
                limit=req.take_limit,
                unless_locked=True,
                timings=sentence_timings_json(sentences),
            )
            if added is None:
                raise CommitRefused(
                    f"Segment {req.segment_id} was deleted or locked while its audio was generated; "
                    "nothing was changed."
                )
            take, dropped = added
            for old in dropped:  # recorded as gone: their files go now (the store never deletes one)
                (req.data_dir / old.audio_file).unlink(missing_ok=True)
            if req.auto_trim_margin is not None:
                self._auto_trim(take.number, req.auto_trim_margin)
            recorded.update(audio_file=audio_file, audio_duration=duration)

        result = generate_parts_audio(
            parts,
            req.language,
            req.output_path,
            model=model,
            should_cancel=self._should_stop,
            on_progress=self._on_progress,
            commit=commit,
            on_audio=self._on_audio,
            quick_start=self.quick_start,
            on_spoken=spoken.append,
        )
        if result.cancelled:
            return TaskStatus.CANCELLED, result.error, {}
        if not result.success:
            return TaskStatus.FAILED, result.error, {}
        return TaskStatus.COMPLETED, "", recorded


class _Aborted(Exception):
    """Raised from the progress callback to stop assembling the model (it then leaves no file)."""


def prepare_model(
    loader: KokoroModelLoader, signals: JobSignals, *, load: bool = False
) -> Callable[[WorkerState], None]:
    """The work that assembles the bundled model (if needed) in the background, reporting progress,
    then loads it and, if `load`, runs it once, so that the first generation or preview does not
    wait. Once aborted (shutdown) it stops at the next piece of the assembly or between its steps,
    leaves no half-assembled file and reports nothing."""

    def run(state: WorkerState) -> None:
        def on_progress(fraction: float) -> None:
            if state.aborted:
                raise _Aborted
            state.emit(signals.model_progress, fraction)

        problem = ""
        try:
            loader.prepare(on_progress)
            if state.aborted:
                return
            # Load it now, in the background: a damaged file is found (and explained) at start,
            # not at the user's first generation, and that generation starts at once.
            loader.get_model()
        except _Aborted:
            log.info("Preparing the model was stopped (shutdown)")
            return
        except Exception as error:  # reported to the UI, never raised in a worker
            log.warning("Preparing the model failed: %s", error)
            problem = str(error)
        if state.aborted:
            return
        state.emit(signals.model_prepared, problem)
        if load and not problem:
            try:
                loader.warm_up()
            except Exception as error:  # a generation will report it, with its task
                log.warning("Loading the model in advance failed: %s", error)

    return run
