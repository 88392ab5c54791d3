"""Voice previews: a sample sentence in a voice and language, rendered in the background and cached."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
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
from narrator_app.engine.model_files import Availability
from narrator_app.engine.synthesis import SynthesisResult
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


# How one preview is spoken, given the loaded model, the voice's style and the file to write.
Render = Callable[[Any, "str | NDArray[np.float32]", Path, Callable[[], bool]], SynthesisResult]


def render_job(
    request_id: int,
    voice: str,
    path: Path,
    loader: KokoroModelLoader,
    signals: PreviewSignals,
    render: Render,
    what: str,
) -> Callable[[WorkerState], None]:
    """The work of one preview, run by a Worker: `render` into `path` in `voice`, then `ready` or
    `failed` (never an exception out of the worker thread)."""

    def run(state: WorkerState) -> None:
        try:
            model = loader.get_model()
            voices_file = loader.availability().voices
            assert voices_file is not None
            result = render(model, voice_style(voice, voices_file), path, lambda: state.aborted)
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            state.emit(signals.failed, request_id, str(error))
            return
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("%s failed", what)
            state.emit(signals.failed, request_id, f"The {what.lower()} failed: {error}")
            return
        if result.success:
            state.emit(signals.ready, request_id, str(path))
        else:
            state.emit(signals.failed, request_id, result.error)

    return run


class PreviewQueue(QObject):
    """One preview at a time in the background, each answered as `ready(id, path)` or
    `failed(id, message)`. The answer always comes later from the event loop, never inside the
    request, also from the cache or for a refusal, so a caller can record the id it waits for."""

    ready = Signal(int, str)
    failed = Signal(int, str)
    what = "Preview"

    def __init__(
        self,
        loader: KokoroModelLoader,
        data_dir: Path,
        parent: QObject | None,
        registry: WorkerRegistry | None,
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

    def _request(self, voice: str, path_for: Callable[[str, Availability], Path], render: Render) -> int:
        """A new request for `voice` (checked first), answered from `path_for(voice, files)` if that
        file is there, else rendered into it by `render`."""
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
        path = path_for(voice, found)
        if path.is_file():
            safe_emit(self._signals, self._signals.ready, request_id, str(path))
        else:
            work = render_job(request_id, voice, path, self._loader, self._signals, render, self.what)
            Worker(work, self._signals, registry=self._registry, name=self.what.lower()).start(self._pool)
        return request_id

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)


class Previews(PreviewQueue):
    """`request(voice, language)`: the sample sentence in a voice and language; cached per voice,
    language and model file, so a second preview plays at once."""

    what = "Voice preview"

    def __init__(
        self,
        loader: KokoroModelLoader,
        data_dir: Path,
        parent: QObject | None = None,
        *,
        registry: WorkerRegistry | None = None,
    ) -> None:
        super().__init__(loader, data_dir, parent, registry)

    def cache_path(self, voice: str, language: str) -> Path:
        return self._path(voice, language, self._loader.availability())

    def _path(self, voice: str, language: str, found: Availability) -> Path:
        key = f"{voice}|{language}|{model_identity(found.model)}|{found.voices}"
        return self._folder / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"

    def request(self, voice: str, language: str) -> int:
        """Start (or answer from the cache) a preview; returns its request id."""
        sample = SAMPLES.get(language, SAMPLES["en-us"])

        def render(
            model: Any, style: str | NDArray[np.float32], path: Path, cancel: Callable[[], bool]
        ) -> SynthesisResult:
            return generate_audio(sample, style, 1.0, language, path, model=model, should_cancel=cancel)

        return self._request(voice, lambda voice, found: self._path(voice, language, found), render)
