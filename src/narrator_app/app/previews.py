"""Voice previews: a sample sentence in a voice and language, rendered in the background and cached."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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


class PreviewSignals(QObject):
    ready = Signal(int, str)  # request id, WAV path
    failed = Signal(int, str)  # request id, message


class PreviewJob(QRunnable):
    def __init__(
        self,
        request_id: int,
        voice: str,
        language: str,
        path: Path,
        loader: KokoroModelLoader,
        signals: PreviewSignals,
    ) -> None:
        super().__init__()
        self._args = (request_id, voice, language, path)
        self._loader = loader
        self._signals = signals

    def run(self) -> None:
        request_id, voice, language, path = self._args
        try:
            model = self._loader.get_model()
            voices_file = self._loader.availability().voices
            assert voices_file is not None
            style = voice_style(voice, voices_file)
            result = generate_audio(
                SAMPLES.get(language, SAMPLES["en-us"]), style, 1.0, language, path, model=model
            )
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            self._signals.failed.emit(request_id, str(error))
            return
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Preview failed")
            self._signals.failed.emit(request_id, f"The preview failed: {error}")
            return
        if result.success:
            self._signals.ready.emit(request_id, str(path))
        else:
            self._signals.failed.emit(request_id, result.error)


class Previews(QObject):
    """`request(voice, language)` → `ready(id, path)` or `failed(id, message)`; cached per voice,
    language and model file, so a second preview plays at once."""

    ready = Signal(int, str)
    failed = Signal(int, str)

    def __init__(self, loader: KokoroModelLoader, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._folder = data_dir / PREVIEW_DIR
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = PreviewSignals(self)
        self._signals.ready.connect(self.ready)
        self._signals.failed.connect(self.failed)
        self._next_id = 0

    def cache_path(self, voice: str, language: str) -> Path:
        found = self._loader.availability()
        key = f"{voice}|{language}|{model_identity(found.model)}|{found.voices}"
        return self._folder / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"

    def request(self, voice: str, language: str) -> int:
        """Start (or answer from the cache) a preview; returns its request id. Results arrive as
        signals, also for a cached file (queued, so a caller can connect after asking)."""
        self._next_id += 1
        request_id = self._next_id
        try:
            found = self._loader.availability()
            if not found.available or found.voices is None:
                raise ModelUnavailableError(found.problem)
            voice = check_voice_spec(voice, self._loader.voices(), found.voices)
        except (ModelUnavailableError, VoicesFileError, VoiceSpecError) as error:
            self._signals.failed.emit(request_id, str(error))
            return request_id
        path = self.cache_path(voice, language)
        if path.is_file():
            self._signals.ready.emit(request_id, str(path))
        else:
            self._pool.start(PreviewJob(request_id, voice, language, path, self._loader, self._signals))
        return request_id

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)
