"""Edit → Undo / Redo (Ctrl+Z, Ctrl+Shift+Z): the window's side of the controller's undo history."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

from narrator_app.core.rules import Refusal
from narrator_app.ui.window_parts import WindowParts


class UndoCommands(QObject):
    """Keeps the Undo and Redo actions' text ("Undo Delete segment") and enabled state current, and
    carries them out: text still being typed is saved first, so that it is undone first."""

    def __init__(self, window: WindowParts, widget: QMainWindow) -> None:
        super().__init__(widget)
        self._window = window
        self._widget = widget
        controller = window.controller
        actions = window.commands
        actions.undo.triggered.connect(lambda: self.step(undo=True))
        actions.redo.triggered.connect(lambda: self.step(undo=False))
        controller.history_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        history = self._window.controller.edits.history
        actions = self._window.commands
        for action, word, label in (
            (actions.undo, "&Undo", history.undo_label),
            (actions.redo, "&Redo", history.redo_label),
        ):
            action.setEnabled(label is not None)
            action.setText(f"{word} {label}" if label else word)
            tip = f"{word.replace('&', '')} {label}" if label else f"Nothing to {word[1:].lower()}"
            shortcut = action.shortcut().toString()
            action.setToolTip(f"{tip} ({shortcut})")
            action.setStatusTip(tip)

    def step(self, *, undo: bool) -> None:
        window = self._window
        window.segment_editor.save_now()
        focus = QApplication.focusWidget()  # the rows are re-read: the editor may lose it meanwhile
        controller = window.controller
        result = controller.edits.undo() if undo else controller.edits.redo()
        if isinstance(result, Refusal):
            window.show_refusal(result)
            return
        shown = result.shown(undone=undo)
        if shown:  # the rows the step changed or brought back, the first one current
            window.select_segment(shown[0])
            model, selection = window.model, window.table.selectionModel()
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            rows = QItemSelection()  # one selection change, however many rows
            for row in sorted(r for i in shown[1:] if (r := model.row_of(i)) is not None):
                rows.select(model.index(row, 0), model.index(row, 0))
            selection.select(rows, flags)
        if focus is not None and QApplication.focusWidget() is None and focus.isEnabled():
            focus.setFocus()
        word = "Undone" if undo else "Redone"
        self._widget.statusBar().showMessage(f"{word}: {result.label}.", 5000)
