"""Run a plain function on a worker thread and get its result back on the GUI thread (like Picard's
run_task): for work that must not freeze the window, such as reading and parsing a large file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # handed to on_error on the GUI thread
            self._signals.failed.emit(error)
        else:
            self._signals.done.emit(result)


class BackgroundTasks(QObject):
    """One worker thread; results and errors arrive as calls on the GUI thread, in order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[_Signals] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        signals = _Signals(self)  # created here, so its slots run on the GUI thread
        self._running.add(signals)

        def finish(callback: Callable[[Any], None], value: object) -> None:
            self._running.discard(signals)
            signals.deleteLater()
            callback(value)

        signals.done.connect(lambda result: finish(on_done, result))
        signals.failed.connect(lambda error: finish(on_error, error))
        self._pool.start(_Task(work, signals))

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)
