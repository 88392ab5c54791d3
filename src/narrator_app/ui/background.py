"""Run a plain function on a worker thread and get its result back on the GUI thread (like Picard's
run_task): for work that must not freeze the window, such as reading and parsing a large file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool

from narrator_app.app.workers import (
    Deadline,
    Worker,
    WorkerRegistry,
    WorkerSignals,
    connect_queued,
)

log = logging.getLogger(__name__)


class BackgroundTasks(QObject):
    """One worker thread; results and errors arrive as calls on the GUI thread, in order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._registry = WorkerRegistry()
        self._running: set[Worker] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        signals = WorkerSignals(self)  # created here, so its slots run on the GUI thread
        worker = Worker(lambda _state: work(), signals, registry=self._registry, name="background task")
        self._running.add(worker)

        def finish(callback: Callable[[Any], None], value: object) -> None:
            self._running.discard(worker)
            signals.deleteLater()
            callback(value)

        connect_queued(signals.returned, lambda result: finish(on_done, result))
        connect_queued(signals.errored, lambda error: finish(on_error, error))
        worker.start(self._pool)

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._registry.wait(Deadline(timeout_ms))
