""" "Pronounce as…": one lexicon entry typed in (a respelling or IPA), previewed and saved; also the
editor's context menu that opens it on a selection, and the editor's "what will be spoken" line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.controller import Controller
from narrator_app.app.lexicon_commands import LexiconError
from narrator_app.core.lexicon import LexiconEntry
from narrator_app.ui.player import AudioPlayer

PREVIEW_SEGMENT = -1  # the player's segment id for a preview (no row of the table)


class PronounceDialog(QDialog):
    """Word, how to say it (respelling or IPA), scope and case; Preview renders just that word in
    the current voice; Save adds the entry (replacing `entry`, when editing one)."""

    def __init__(
        self,
        controller: Controller,
        word: str = "",
        *,
        entry: LexiconEntry | None = None,
        player: AudioPlayer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pronounce as")
        self.setObjectName("pronounceDialog")
        self._controller = controller
        self._player = player
        self._editing = entry
        self._waiting: int | None = None
        self.saved: LexiconEntry | None = None
        self.word = QLineEdit(entry.word if entry else word, self)
        self.respelling = QRadioButton("&Respelling", self)
        self.ipa = QRadioButton("&IPA phonemes", self)
        self.how = QLineEdit(self)
        self.how.setObjectName("pronounceAs")
        if entry is not None and entry.ipa is not None:
            self.ipa.setChecked(True)
            self.how.setText(entry.ipa)
        else:
            self.respelling.setChecked(True)
            self.how.setText(entry.say or "" if entry else "")
        self.how.setPlaceholderText('e.g. "Her-MY-oh-nee", or IPA such as hɜːmˈaɪəni')
        self.project = QCheckBox("Only in this &project", self)
        self.project.setChecked(entry is not None and entry.scope == "project")
        self.case = QCheckBox("&Case-sensitive", self)
        self.case.setChecked(entry is not None and entry.case_sensitive)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("pronounceStatus")
        kinds = QHBoxLayout()
        kinds.addWidget(self.respelling)
        kinds.addWidget(self.ipa)
        form = QFormLayout()
        form.addRow("&Word or phrase:", self.word)
        form.addRow("Say it as:", kinds)
        form.addRow("", self.how)
        form.addRow("", self.project)
        form.addRow("", self.case)
        self.preview_button = QPushButton("Pre&view", self)
        self.preview_button.clicked.connect(self.preview)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        previews = controller.lexicon.previews
        previews.ready.connect(self._on_ready)
        previews.failed.connect(self._on_failed)

    def _fields(self) -> dict[str, str | None]:
        text = self.how.text()
        return {"say": None, "ipa": text} if self.ipa.isChecked() else {"say": text, "ipa": None}

    def preview(self) -> None:
        try:
            self._waiting = self._controller.lexicon.preview(self.word.text(), **self._fields())
        except LexiconError as error:
            self.status.setText(str(error))
            return
        self.status.setText("Rendering the preview…")

    def _on_ready(self, request_id: int, path: str) -> None:
        if request_id != self._waiting:
            return
        self.status.setText("Preview ready.")
        if self._player is not None:
            problem = self._player.play(Path(path), PREVIEW_SEGMENT)
            if problem:
                self.status.setText(problem)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._waiting:
            self.status.setText(message)

    def save(self) -> None:
        lexicon = self._controller.lexicon
        try:
            old = self._editing
            scope = "project" if self.project.isChecked() else "global"
            now = (" ".join(self.word.text().split()), self.case.isChecked(), scope)
            if old is not None and (old.word, old.case_sensitive, old.scope) != now:
                # Another word, case or scope: the old entry goes (its own undo step).
                lexicon.remove(old.word, project=old.scope == "project")
            self.saved = lexicon.add(
                self.word.text(),
                **self._fields(),
                project=self.project.isChecked(),
                case_sensitive=self.case.isChecked(),
            )
        except LexiconError as error:
            self.status.setText(str(error))
            return
        self.accept()


class EditorPronunciation:
    """The text editor's additions: "Pronounce as…" on a selection in its context menu, and a line
    under it showing what will be spoken (the lexicon applied, written forms spelled out)."""

    def __init__(self, controller: Controller, editor: QPlainTextEdit, player: AudioPlayer | None) -> None:
        self._controller = controller
        self._editor = editor
        self._player = player
        self.spoken = QLabel(editor.parentWidget())
        self.spoken.setObjectName("spokenText")
        self.spoken.setWordWrap(True)
        self.spoken.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spoken.hide()
        parent = editor.parentWidget()
        layout = parent.layout() if parent is not None else None
        if layout is not None:
            layout.addWidget(self.spoken)
        self.show_spoken = QAction("Show what will be spoken", editor)
        self.show_spoken.setCheckable(True)
        self.show_spoken.toggled.connect(self._toggle)
        editor.textChanged.connect(self.refresh)
        controller.lexicon.changed.connect(self.refresh)

    def add_to(self, menu: QMenu) -> None:
        """Adds "Pronounce as…" (for the selection) and "Show what will be spoken" to the editor's
        context menu, which ui/direction_editor.py's TagEditor shows: one menu, not two."""
        menu.addSeparator()
        selected = self._editor.textCursor().selectedText().strip()
        pronounce = menu.addAction("Pronounce as…")
        pronounce.setEnabled(bool(selected))
        pronounce.triggered.connect(lambda: self.pronounce(selected))
        menu.addAction(self.show_spoken)

    def pronounce(self, word: str) -> PronounceDialog:
        dialog = PronounceDialog(self._controller, word, player=self._player, parent=self._editor)
        dialog.open()
        return dialog

    def _toggle(self, on: bool) -> None:
        self.spoken.setVisible(on)
        self.refresh()

    def refresh(self) -> None:
        if not self.show_spoken.isChecked():
            return
        pieces = self._controller.lexicon.spoken_of(self._editor.toPlainText())
        text = "".join(f"/{p.text}/" if p.phonemes else p.text for p in pieces)
        self.spoken.setText(f"Spoken: {text}" if text else "")
