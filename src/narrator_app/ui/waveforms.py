"""Waveform thumbnails for the table: computed on a worker thread, cached, painted by a delegate."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt, QThreadPool, Signal
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from narrator_app.app.catalog import compute_peaks
from narrator_app.app.workers import (
    Deadline,
    Worker,
    WorkerRegistry,
    WorkerSignals,
    WorkerState,
    connect_queued,
)

log = logging.getLogger(__name__)

WAVEFORM_ROLE = Qt.ItemDataRole.UserRole + 2
MAX_PICTURES = 256  # pictures kept (least recently used dropped first): a few hundred bytes each


def heard_part(
    peaks: tuple[float, ...], duration: float | None, cut: tuple[float, float]
) -> tuple[float, ...]:
    """The peaks of what is heard of a take `duration` seconds long with `cut` (from its start, from
    its end) trimmed off: the thumbnail shows the part that plays and exports."""
    start, end = cut
    if not duration or duration <= 0 or (start <= 0 and end <= 0):
        return peaks
    n = len(peaks)
    first = min(n - 1, max(0, round(n * start / duration)))
    last = max(first + 1, min(n, n - round(n * end / duration)))
    return peaks[first:last]


class _Signals(WorkerSignals):
    done = Signal(str, object)  # cache key, peaks (tuple of floats) or None


def _peaks_of(key: str, path: Path, signals: _Signals) -> Callable[[WorkerState], None]:
    def run(state: WorkerState) -> None:
        try:
            peaks: tuple[float, ...] | None = compute_peaks(path)
        except Exception as error:  # a missing or unreadable file just has no picture
            log.info("No waveform for %s: %s", path, error)
            peaks = None
        state.emit(signals.done, key, peaks)

    return run


class WaveformCache(QObject):
    """peaks(path) answers at once from the cache, or starts computing and answers None; `ready`
    tells when a picture has arrived. At most `limit` pictures are kept, the least recently used
    dropped first (computed again if asked for again)."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None, *, limit: int = MAX_PICTURES) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._registry = WorkerRegistry()
        self._signals = _Signals(self)
        connect_queued(self._signals.done, self._on_done)
        self._limit = limit
        self._peaks: OrderedDict[str, tuple[float, ...] | None] = OrderedDict()
        self._pending: set[str] = set()

    def __len__(self) -> int:
        return len(self._peaks)

    def peaks(self, path: Path) -> tuple[float, ...] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"  # a regenerated file gets a new picture
        if key in self._peaks:
            self._peaks.move_to_end(key)
            return self._peaks[key]
        if key not in self._pending:
            self._pending.add(key)
            work = _peaks_of(key, path, self._signals)
            Worker(work, self._signals, registry=self._registry, name="waveform").start(self._pool)
        return None

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._registry.wait(Deadline(timeout_ms))

    def _on_done(self, key: str, peaks: object) -> None:
        self._pending.discard(key)
        self._peaks[key] = peaks  # type: ignore[assignment]
        self._peaks.move_to_end(key)
        while len(self._peaks) > self._limit:
            self._peaks.popitem(last=False)
        self.ready.emit()


class WaveformDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        peaks = index.data(WAVEFORM_ROLE)
        if not peaks:
            return
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        color = palette.highlightedText().color() if selected else palette.highlight().color()
        middle = rect.center().y()
        step = rect.width() / len(peaks)
        path = QPainterPath()
        for i, peak in enumerate(peaks):
            half = max(0.5, peak * rect.height() / 2)
            path.addRect(QRectF(rect.left() + i * step, middle - half, max(1.0, step * 0.7), 2 * half))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(path, color)
        painter.restore()
