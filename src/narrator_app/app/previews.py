"""Voice previews: a sample sentence in a voice and language, rendered in the background and cached."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.app.workers import (
    Worker,
    WorkerRegistry,
    WorkerSignals,
    WorkerState,
    connect_queued,
    safe_emit,
)
from narrator_app.engine import generate_audio
from narrator_app.engine.fingerprint import model_identity
from narrator_app.engine.loader import KokoroModelLoader, ModelUnavailableError
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec, voice_style
from narrator_app.engine.voices import VoicesFileError

log = logging.getLogger(__name__)

PREVIEW_DIR = Path("cache") / "previews"
SAMPLES = {
    "en-us": "Hello! This is how I sound when I read your text aloud.",
    "en-gb": "Hello! This is how I sound when I read your text aloud.",
    "es": "¡Hola! Así sueno cuando leo tu texto en voz alta.",
    "fr-fr": "Bonjour ! Voici ma voix quand je lis votre texte à haute voix.",
    "hi": "नमस्ते! यह मेरी आवाज़ है।",
    "it": "Ciao! Ecco come suono quando leggo il tuo testo ad alta voce.",
    "pt-br": "Olá! É assim que eu soo quando leio o seu texto em voz alta.",
    "ja": "こんにちは！これが私の声です。",
    "cmn": "你好！这是我的声音。",
}


class PreviewSignals(WorkerSignals):
    ready = Signal(int, str)  # request id, WAV path
    failed = Signal(int, str)  # request id, message


def render_preview(
    request_id: int, voice: str, language: str, path: Path, loader: KokoroModelLoader, signals: PreviewSignals
) -> Callable[[WorkerState], None]:
    """The work of one preview, run by a Worker: the sample sentence rendered into `path`."""

    def run(state: WorkerState) -> None:
        try:
            model = loader.get_model()
            voices_file = loader.availability().voices
            assert voices_file is not None
            style = voice_style(voice, voices_file)
            result = generate_audio(
                SAMPLES.get(language, SAMPLES["en-us"]),
                style,
                1.0,
                language,
                path,
                model=model,
                should_cancel=lambda: state.aborted,
            )
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            state.emit(signals.failed, request_id, str(error))
            return
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Preview failed")
            state.emit(signals.failed, request_id, f"The preview failed: {error}")
            return
        if result.success:
            state.emit(signals.ready, request_id, str(path))
        else:
            state.emit(signals.failed, request_id, result.error)

    return run


class Previews(QObject):
    """`request(voice, language)` → `ready(id, path)` or `failed(id, message)`; cached per voice,
    language and model file, so a second preview plays at once. The answer always comes later from
    the event loop, never inside `request`, also from the cache or for a refusal."""

    ready = Signal(int, str)
    failed = Signal(int, str)

    def __init__(
        self,
        loader: KokoroModelLoader,
        data_dir: Path,
        parent: QObject | None = None,
        *,
        registry: WorkerRegistry | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._folder = data_dir / PREVIEW_DIR
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._registry = registry if registry is not None else WorkerRegistry()
        self._signals = PreviewSignals(self)
        connect_queued(self._signals.ready, self.ready)
        connect_queued(self._signals.failed, self.failed)
        self._next_id = 0

    def cache_path(self, voice: str, language: str) -> Path:
        found = self._loader.availability()
        key = f"{voice}|{language}|{model_identity(found.model)}|{found.voices}"
        return self._folder / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"

    def request(self, voice: str, language: str) -> int:
        """Start (or answer from the cache) a preview; returns its request id. Results arrive as
        signals, deferred (queued) also for a cached file or a refusal, so a caller can record the
        id it waits for after asking."""
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
        path = self.cache_path(voice, language)
        if path.is_file():
            safe_emit(self._signals, self._signals.ready, request_id, str(path))
        else:
            work = render_preview(request_id, voice, language, path, self._loader, self._signals)
            Worker(work, self._signals, registry=self._registry, name="voice preview").start(self._pool)
        return request_id

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)
