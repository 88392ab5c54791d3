"""Waveform thumbnails for the table: computed on a worker thread, cached, painted by a delegate."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from narrator_app.engine.waveform import compute_peaks

log = logging.getLogger(__name__)

WAVEFORM_ROLE = Qt.ItemDataRole.UserRole + 2


class _Signals(QObject):
    done = Signal(str, object)  # cache key, peaks (tuple of floats) or None


class _PeaksJob(QRunnable):
    def __init__(self, key: str, path: Path, signals: _Signals) -> None:
        super().__init__()
        self._key, self._path, self._signals = key, path, signals

    def run(self) -> None:
        try:
            peaks: tuple[float, ...] | None = compute_peaks(self._path)
        except Exception as error:  # a missing or unreadable file just has no picture
            log.info("No waveform for %s: %s", self._path, error)
            peaks = None
        self._signals.done.emit(self._key, peaks)


class WaveformCache(QObject):
    """peaks(path) answers at once from the cache, or starts computing and answers None; `ready`
    tells when a picture has arrived."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._peaks: dict[str, tuple[float, ...] | None] = {}
        self._pending: set[str] = set()

    def peaks(self, path: Path) -> tuple[float, ...] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"  # a regenerated file gets a new picture
        if key in self._peaks:
            return self._peaks[key]
        if key not in self._pending:
            self._pending.add(key)
            self._pool.start(_PeaksJob(key, path, self._signals))
        return None

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _on_done(self, key: str, peaks: object) -> None:
        self._pending.discard(key)
        self._peaks[key] = peaks  # type: ignore[assignment]
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
