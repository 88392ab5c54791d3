"""One way to run work off the GUI thread: a plain function on a `Worker`, results back as signals.

In the spirit of superqt's `WorkerBase` and Orange's `FutureWatcher`:
- the work is a plain function `fn(state)`; `state.aborted` says when to stop, `state.emit(signal,
  ...)` reports (progress, audio, status) through the worker's signals object;
- the signals object (`WorkerSignals` or a subclass adding its own signals) is a QObject created on
  the GUI thread, so its slots run there; `returned`, `errored` and progress are ALWAYS delivered
  deferred (`connect_queued`), also when the work ends at once on the GUI thread (`deliver`), so a
  caller can record that it waits before the answer arrives;
- every emit is guarded: once the receiver's C++ object is gone an emit is dropped, never raised
  into a worker thread;
- a `WorkerRegistry` knows the live workers (queued or running), can abort them all and waits for
  them against ONE deadline shared by every wait of a shutdown (`Deadline`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    """Lives on the GUI thread. Subclass it to add signals of your own (`state.emit` sends them)."""

    returned = Signal(object)  # the function's result
    errored = Signal(object)  # the exception it raised


def connect_queued(signal: SignalInstance, slot: Callable[..., object] | SignalInstance) -> None:
    """Connect so that the slot always runs later from the event loop, never inside `emit`."""
    signal.connect(slot, Qt.ConnectionType.QueuedConnection)


def safe_emit(owner: QObject, signal: SignalInstance, *args: object) -> bool:
    """Emit `signal` of `owner` unless `owner` was deleted (the window closed): False then."""
    if not shiboken6.isValid(owner):
        return False
    try:
        signal.emit(*args)
    except RuntimeError:  # deleted between the check and the emit
        return False
    return True


class Deadline:
    """One time limit shared by several waits: each gets what is left of it."""

    def __init__(self, timeout_ms: int) -> None:
        self._end = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000

    def remaining_ms(self) -> int:
        """What is left, in ms (-1: no limit; 0: passed)."""
        if self._end is None:
            return -1
        return max(0, int((self._end - time.monotonic()) * 1000))

    @property
    def passed(self) -> bool:
        return self.remaining_ms() == 0


class WorkerState:
    """What a running function sees: the abort flag and a guarded emit on its signals object."""

    def __init__(self, signals: WorkerSignals) -> None:
        self.signals = signals
        self._abort = threading.Event()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def abort(self) -> None:
        self._abort.set()

    def emit(self, signal: SignalInstance, *args: object) -> bool:
        """Emit one of `signals`' signals (dropped, False, when the receiver is gone)."""
        return safe_emit(self.signals, signal, *args)

    def emitter(self, signal: SignalInstance) -> Callable[..., None]:
        """A callback (e.g. an engine's `on_progress`) that emits `signal`, guarded."""

        def emit(*args: object) -> None:
            safe_emit(self.signals, signal, *args)

        return emit


class WorkerRegistry:
    """The live workers of an owner (queued or running), for shutdown. Thread-safe."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._live: set[Worker] = set()
        self._when_idle: list[Callable[[], None]] = []

    def add(self, worker: Worker) -> None:
        with self._changed:
            self._live.add(worker)

    def discard(self, worker: Worker) -> None:
        with self._changed:
            self._live.discard(worker)
            self._changed.notify_all()
            callbacks, self._when_idle = (self._when_idle, []) if not self._live else ([], self._when_idle)
        for callback in callbacks:  # in the thread of the last worker to end
            try:
                callback()
            except Exception:
                log.exception("Cleaning up after the last worker failed")

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call `callback` once no worker is live: now if none is, else in the thread of the last
        worker as it ends."""
        with self._changed:
            if self._live:
                self._when_idle.append(callback)
                return
        callback()

    def live(self) -> list[Worker]:
        with self._changed:
            return list(self._live)

    def abort_all(self) -> None:
        for worker in self.live():
            worker.abort()

    def wait(self, deadline: Deadline | None = None) -> bool:
        """Block until no worker is live or the deadline passes; True if none is live."""
        deadline = deadline or Deadline(-1)
        with self._changed:
            while self._live:
                remaining = deadline.remaining_ms()
                if remaining == 0:
                    return False
                self._changed.wait(None if remaining < 0 else remaining / 1000)
            return True


class Worker(QRunnable):
    """Runs `fn(state)` on a pool thread; its result comes back as `signals.returned`, an exception
    as `signals.errored` (logged, never raised in the worker thread). Make it on the GUI thread."""

    def __init__(
        self,
        fn: Callable[[WorkerState], Any],
        signals: WorkerSignals | None = None,
        *,
        registry: WorkerRegistry | None = None,
        name: str = "",
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the registry and the owner keep the Python object alive
        self.fn = fn
        self.signals = signals if signals is not None else WorkerSignals()
        self.state = WorkerState(self.signals)
        self.name = name or getattr(fn, "__name__", type(fn).__name__)
        self._registry = registry

    def abort(self) -> None:
        self.state.abort()

    @property
    def aborted(self) -> bool:
        return self.state.aborted

    def start(self, pool: QThreadPool, priority: int = 0) -> None:
        """Queue it on `pool`; it counts as live from now until its function has returned."""
        if self._registry is not None:
            self._registry.add(self)
        pool.start(self, priority)

    def take(self, pool: QThreadPool) -> bool:
        """Take it back from `pool`'s queue before it started; True if it had not."""
        if not pool.tryTake(self):
            return False
        if self._registry is not None:
            self._registry.discard(self)
        return True

    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except Exception as error:  # handed to the GUI thread, never raised in a worker thread
            log.warning("Background work %s failed: %s", self.name, error)
            self.state.emit(self.signals.errored, error)
        else:
            self.state.emit(self.signals.returned, result)
        finally:
            if self._registry is not None:
                self._registry.discard(self)

    def deliver(self, result: object) -> None:
        """Answer without running (e.g. from a cache): `returned` is emitted now, and arrives
        deferred like any result (connect with `connect_queued`)."""
        self.state.emit(self.signals.returned, result)
