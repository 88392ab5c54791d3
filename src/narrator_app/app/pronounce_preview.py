""" "Pronounce as…" previews: one word or phrase, said as an entry would say it, in the current voice,
rendered in the background into `cache/previews/` (a one-off job; nothing is recorded)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.app.previews import PREVIEW_DIR, PreviewSignals
from narrator_app.app.workers import Worker, WorkerRegistry, WorkerState, connect_queued, safe_emit
from narrator_app.core.lexicon import LexiconEntry
from narrator_app.core.pronounce import prepare_parts
from narrator_app.engine.loader import KokoroModelLoader, ModelUnavailableError
from narrator_app.engine.parts import SpeakPart
from narrator_app.engine.synthesis import generate_parts_audio
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec, voice_style
from narrator_app.engine.voices import VoicesFileError

log = logging.getLogger(__name__)


def _render(
    request_id: int,
    entry: LexiconEntry,
    voice: str,
    speed: float,
    language: str,
    path: Path,
    loader: KokoroModelLoader,
    signals: PreviewSignals,
) -> Callable[[WorkerState], None]:
    def run(state: WorkerState) -> None:
        try:
            model = loader.get_model()
            voices_file = loader.availability().voices
            assert voices_file is not None
            style = voice_style(voice, voices_file)
            parts = prepare_parts(
                [SpeakPart(entry.word, style, speed)], (entry,), language, getattr(model, "tokenizer", None)
            )
            result = generate_parts_audio(
                parts, language, path, model=model, should_cancel=lambda: state.aborted
            )
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            state.emit(signals.failed, request_id, str(error))
            return
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Pronunciation preview failed")
            state.emit(signals.failed, request_id, f"The preview failed: {error}")
            return
        if result.success:
            state.emit(signals.ready, request_id, str(path))
        else:
            state.emit(signals.failed, request_id, result.error)

    return run


class PronouncePreviews(QObject):
    """`request(entry, voice, speed, language)` → `ready(id, path)` or `failed(id, message)`, later."""

    ready = Signal(int, str)
    failed = Signal(int, str)

    def __init__(
        self,
        loader: KokoroModelLoader,
        data_dir: Path,
        registry: WorkerRegistry,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._folder = data_dir / PREVIEW_DIR
        self._registry = registry
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = PreviewSignals(self)
        connect_queued(self._signals.ready, self.ready)
        connect_queued(self._signals.failed, self.failed)
        self._next_id = 0

    def request(self, entry: LexiconEntry, voice: str, speed: float, language: str) -> int:
        self._next_id += 1
        request_id = self._next_id
        try:
            found = self._loader.availability()
            if not found.available or found.voices is None:
                raise ModelUnavailableError(found.problem)
            voice = check_voice_spec(voice, self._loader.voices(), found.voices)
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            safe_emit(self._signals, self._signals.failed, request_id, str(error))
            return request_id
        key = f"{entry.word}|{entry.say}|{entry.ipa}|{voice}|{speed}|{language}|{found.model}"
        path = self._folder / f"word-{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"
        if path.is_file():
            safe_emit(self._signals, self._signals.ready, request_id, str(path))
            return request_id
        work = _render(request_id, entry, voice, speed, language, path, self._loader, self._signals)
        Worker(work, self._signals, registry=self._registry, name="pronunciation preview").start(self._pool)
        return request_id

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)
