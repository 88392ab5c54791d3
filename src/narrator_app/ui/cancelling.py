"""Cancel and Cancel all as the status bar tells them: "Stopping…" while cancelled renders run on to
their sentence end, then what was cancelled. The rows themselves keep their real state (outdated
with the old audio, or no audio): a cancel is noted here, briefly, not in the table."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from narrator_app.app.controller import Controller

POLL_MS = 150  # how often "Stopping…" looks whether the cancelled renders have ended
NOTE_MS = 6000  # how long the note of a cancel stays


def cancelled_text(count: int, what: str = "task") -> str:
    plural = "s" if count != 1 else ""
    return f"Cancelled {count} {what}{plural}; finished audio was kept, earlier audio left as it was."


def stopping_text(running: int) -> str:
    plural = "s" if running != 1 else ""
    return f"Stopping… ({running} render{plural} finishing {'its' if running == 1 else 'their'} sentence)"


class CancelNotice(QObject):
    def __init__(self, controller: Controller, status_bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._status_bar = status_bar
        self._done_text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._check)

    @property
    def stopping(self) -> bool:
        return self._timer.isActive()

    def cancel_all(self) -> int:
        return self._note(self._controller.generation.cancel_all(), "task")

    def cancel_segments(self, segment_ids: list[int]) -> int:
        cancelled = sum(self._controller.generation.cancel_segment(i) for i in segment_ids)
        return self._note(cancelled, "segment")

    def _note(self, count: int, what: str) -> int:
        if not count:
            return 0
        self._done_text = cancelled_text(count, what)
        self._check()
        if self._controller.generation.stopping():
            self._timer.start()
        return count

    def _check(self) -> None:
        running = self._controller.generation.stopping()
        if running:
            self._status_bar.showMessage(stopping_text(running))
            return
        self._timer.stop()
        self._status_bar.showMessage(self._done_text, NOTE_MS)
