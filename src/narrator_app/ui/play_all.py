"""Play all: every segment's current audio in order (trimmed as its take is), with the export's pause
between them. A/B in the takes panel plays two takes of one segment through the same queue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from narrator_app.ui.player import NO_TRIM, AudioPlayer, Trim

QueueItem = tuple[int, Path] | tuple[int, Path, Trim]  # segment id, file, its trim

DEFAULT_PAUSE_S = 0.5


class PlayAll(QObject):
    current_changed = Signal(int)  # the segment now playing
    ended = Signal()

    def __init__(self, player: AudioPlayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._queue: list[QueueItem] = []
        self._current: int | None = None
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.timeout.connect(self._next)
        player.finished.connect(self._on_finished)

    @property
    def active(self) -> bool:
        return self._current is not None

    def start(self, queue: list[QueueItem], pause_s: float = DEFAULT_PAUSE_S) -> str | None:
        """Play the (segment id, file[, trim]) items in order; returns why it cannot, or None."""
        if not queue:
            return "No segment has current audio to play yet: generate them first (Ctrl+Shift+G)."
        if not self._player.available:
            return self._player.unavailable_reason
        self.stop()
        self._queue = list(queue)
        self._gap.setInterval(round(pause_s * 1000))
        self._next()
        return None

    def stop(self) -> None:
        was_active = self.active
        self._gap.stop()
        self._queue.clear()
        self._current = None
        if was_active:
            self._player.stop()
            self.ended.emit()

    def _on_finished(self, segment_id: int) -> None:
        if segment_id == self._current:
            if self._queue:
                self._gap.start()
            else:
                self._current = None
                self.ended.emit()

    def _next(self) -> None:
        if not self._queue:
            return
        segment_id, path, *trim = self._queue.pop(0)
        self._current = segment_id
        problem = self._player.play(path, segment_id, trim[0] if trim else NO_TRIM)
        self.current_changed.emit(segment_id)
        if problem:  # a file gone missing: go on with the next one
            self._on_finished(segment_id)
