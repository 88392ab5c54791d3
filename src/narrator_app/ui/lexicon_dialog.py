"""The Lexicon dialog (Audio → Lexicon…): every entry with how many segments use it, a filter, add,
edit, delete, undo and redo, and PLS import and export; `install_lexicon` puts it and the editor's
"Pronounce as…" into the window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.controller import Controller
from narrator_app.app.lexicon_commands import EntryUse, LexiconError, PlsError
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.pronounce_dialog import EditorPronunciation, PronounceDialog

COLUMNS = ("Word", "Say as", "Kind", "Scope", "Case-sensitive", "Segments")


class LexiconDialog(QDialog):
    def __init__(
        self, controller: Controller, player: AudioPlayer | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lexicon")
        self.setObjectName("lexiconDialog")
        self.resize(720, 420)
        self._controller = controller
        self._player = player
        self._uses: list[EntryUse] = []
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter words…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.status = QLabel(self)
        self.status.setObjectName("lexiconStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, label, slot in (
            ("add", "&Add…", self.add),
            ("edit", "&Edit…", self.edit_selected),
            ("delete", "&Delete", self.delete_selected),
            ("undo", "&Undo", self.undo),
            ("redo", "&Redo", self.redo),
            ("import", "&Import PLS…", self.import_pls),
            ("export", "E&xport PLS…", self.export_pls),
            ("close", "Close", self.accept),
        ):
            button = self.buttons[name] = QPushButton(label, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            if name in ("delete", "redo", "export"):
                buttons.addSpacing(12)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        controller.lexicon.changed.connect(self.refresh)
        controller.segments_reset.connect(self.refresh)
        controller.project_changed.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        self._uses = self._controller.lexicon.entries()
        self.table.setRowCount(len(self._uses))
        for row, use in enumerate(self._uses):
            e = use.entry
            values = (
                e.word,
                e.ipa if e.ipa is not None else e.say or "",
                "IPA" if e.ipa is not None else "respelling",
                e.scope,
                "yes" if e.case_sensitive else "no",
                str(use.segments),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnToContents(0)
        self._apply_filter()
        self._update_buttons()

    def _apply_filter(self) -> None:
        needle = self.filter.text().strip().casefold()
        for row, use in enumerate(self._uses):
            e = use.entry
            hay = f"{e.word} {e.say or ''} {e.ipa or ''}".casefold()
            self.table.setRowHidden(row, bool(needle) and needle not in hay)

    def selected(self) -> EntryUse | None:
        rows = self.table.selectionModel().selectedRows()
        return self._uses[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.buttons["edit"].setEnabled(chosen)
        self.buttons["delete"].setEnabled(chosen)
        self.buttons["undo"].setEnabled(self._controller.lexicon.can_undo())
        self.buttons["redo"].setEnabled(self._controller.lexicon.can_redo())

    def add(self) -> PronounceDialog:
        dialog = PronounceDialog(self._controller, player=self._player, parent=self)
        dialog.open()
        return dialog

    def edit_selected(self) -> PronounceDialog | None:
        use = self.selected()
        if use is None:
            return None
        dialog = PronounceDialog(self._controller, entry=use.entry, player=self._player, parent=self)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        use = self.selected()
        if use is None:
            return
        try:
            self._controller.lexicon.remove(use.entry.word, project=use.entry.scope == "project")
        except LexiconError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"Removed {use.entry.word!r}; Undo brings it back.")

    def undo(self) -> None:
        label = self._controller.lexicon.undo()
        self.status.setText(f"Undone: {label}." if label else "Nothing to undo.")

    def redo(self) -> None:
        label = self._controller.lexicon.redo()
        self.status.setText(f"Redone: {label}." if label else "Nothing to redo.")

    def import_pls(self, path: Path | None = None, *, project: bool = False) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Import a lexicon", "", "PLS lexicon (*.pls *.xml)")
            if not name:
                return
            path = Path(name)
        try:
            count = self._controller.lexicon.import_pls(path, project=project)
        except (PlsError, LexiconError) as error:
            self.status.setText(f"Nothing was imported: {error}")
            return
        self.status.setText(f"Imported {count} entries from {path.name}.")

    def export_pls(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Export the lexicon", "lexicon.pls", "PLS lexicon (*.pls)"
            )
            if not name:
                return
            path = Path(name)
        try:
            count = self._controller.lexicon.export_pls(path)
        except LexiconError as error:  # a place it may not write (the data folder, a device)
            self.status.setText(str(error))
            return
        except OSError as error:
            self.status.setText(f"Cannot write {path}: {error.strerror or error}")
            return
        self.status.setText(f"Exported {count} entries to {path.name}.")


def install_lexicon(window: Any) -> None:
    """Audio → Lexicon… and the editor's "Pronounce as…" / spoken-text line, in `window` (the
    MainWindow; not imported here, which imports this module)."""
    action = QAction("&Lexicon…", window)
    action.setObjectName("lexiconAction")
    action.setStatusTip("How words are pronounced: respellings and IPA, for all projects or this one")

    def open_dialog() -> None:
        dialog = getattr(window, "lexicon_dialog", None)
        if dialog is None:
            dialog = window.lexicon_dialog = LexiconDialog(window.controller, window.player, window)
        dialog.refresh()
        dialog.show()
        dialog.raise_()

    action.triggered.connect(open_dialog)
    window.lexicon_action = action
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "Audio" and menu_action.menu() is not None:
            menu = menu_action.menu()
            menu.addSeparator()
            menu.addAction(action)
    window.pronunciation = EditorPronunciation(window.controller, window.editor, window.player)
    window.tag_editor.extend_menu = window.pronunciation.add_to  # one context menu for the editor
