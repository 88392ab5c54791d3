"""The text editor under the table: shows the selected segment and saves as you type."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from narrator_app.app.controller import Controller
from narrator_app.core.rules import Refusal
from narrator_app.ui.segment_model import SegmentTableModel

SAVE_DELAY_MS = 400


class SegmentEditor(QWidget):
    """Edits are saved 400 ms after the last keystroke, or at once by `save_now()` (called before
    anything that reads the text: selection change, generate, delete, close)."""

    refused = Signal(object)  # a Refusal from saving

    def __init__(
        self, controller: Controller, model: SegmentTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model = model
        self.segment_id: int | None = None
        self._loading = False
        self._dirty = False  # the user typed since the text was loaded or saved
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)

        self.label = QLabel(self)
        self.label.setObjectName("editorLabel")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("segmentEditor")
        self.text.setAccessibleName("Segment text")
        self.text.setPlaceholderText("Type the text to narrate…")
        self.label.setBuddy(self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.text)
        self.text.textChanged.connect(self._on_text_changed)
        # Leaving the editor saves at once: the next click (a lock box, say) must see the new text.
        self.text.installEventFilter(self)
        controller.segment_changed.connect(self._on_segment_changed)
        self.show_segment(None)

    @property
    def has_unsaved_edits(self) -> bool:
        return self._dirty

    def show_segment(self, segment_id: int | None) -> None:
        record = None if segment_id is None else self._model.record(segment_id)
        self.segment_id = None if record is None else record.id
        self._dirty = False
        self._save_timer.stop()
        self._loading = True
        try:
            if record is None:
                self.text.setPlainText("")
                self.text.setEnabled(False)
                self.label.setText("Select a segment to edit its text.")
                return
            if self.text.toPlainText() != record.text:
                self.text.setPlainText(record.text)
            self.text.setEnabled(True)
            self.text.setReadOnly(record.is_locked)
            state = " (locked: unlock it to edit)" if record.is_locked else ""
            self.label.setText(f"&Segment {record.position + 1}{state}")
        finally:
            self._loading = False

    def save_now(self) -> None:
        """Save the text now if the user changed it (only then: the segment may have been changed
        elsewhere meanwhile, e.g. split, and the editor's copy must not overwrite that)."""
        self._save_timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        record = None if self.segment_id is None else self._model.record(self.segment_id)
        if record is None or self.text.toPlainText() == record.text:
            return
        result = self._controller.segments.update(record.id, text=self.text.toPlainText(), typing=True)
        if isinstance(result, Refusal):
            self.show_segment(record.id)  # show what is stored, read-only if it was locked meanwhile
            self.refused.emit(result)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and event.type() == QEvent.Type.FocusOut:
            self.save_now()
        if watched is self.text and event.type() == QEvent.Type.ShortcutOverride:
            # Ctrl+Z undoes typing here first; with nothing typed left to undo (say, right after a
            # split) it goes to the window's Undo, which undoes the last edit of the project.
            assert isinstance(event, QKeyEvent)
            document = self.text.document()
            if (event.matches(QKeySequence.StandardKey.Undo) and not document.isUndoAvailable()) or (
                event.matches(QKeySequence.StandardKey.Redo) and not document.isRedoAvailable()
            ):
                return True
        return super().eventFilter(watched, event)

    def _on_text_changed(self) -> None:
        if not self._loading and self.segment_id is not None:
            self._dirty = True
            self._save_timer.start()

    def _on_segment_changed(self, segment_id: int) -> None:
        # Changed elsewhere (lock, a job, the command line): show it, unless the user is typing.
        if segment_id == self.segment_id and not self.has_unsaved_edits:
            self.show_segment(segment_id)
