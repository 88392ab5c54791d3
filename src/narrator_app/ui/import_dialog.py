"""The preview before an import: how many segments a file makes, the first of them, and the length
above which a paragraph is split at sentence ends."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from narrator_app.core.textimport import MAX_LIMIT, MIN_LIMIT, split_all
from narrator_app.ui.formatting import one_line

PREVIEW_ROWS = 200


class ImportPreview(QDialog):
    def __init__(
        self, path: Path, paragraphs: list[str], limit: int, existing: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import text")
        self.setObjectName("importDialog")
        self.setMinimumSize(560, 420)
        self._path = path
        self._paragraphs = paragraphs
        self._existing = existing
        self.texts: list[str] = []

        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.limit = QSpinBox(self)
        self.limit.setObjectName("importLimit")
        self.limit.setRange(MIN_LIMIT, MAX_LIMIT)
        self.limit.setSingleStep(100)
        self.limit.setValue(limit)
        self.limit.setSuffix(" characters")
        self.limit.setToolTip("A longer paragraph becomes several segments, cut at sentence ends.")
        self.preview = QListWidget(self)
        self.preview.setObjectName("importPreview")
        self.preview.setAlternatingRowColors(True)
        form = QFormLayout()
        form.addRow("Split paragraphs longer than:", self.limit)

        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.limit.valueChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.texts = split_all(self._paragraphs, self.limit.value())
        count = len(self.texts)
        split = count - len(self._paragraphs)
        where = f"after the {self._existing} existing ones" if self._existing else "to the empty project"
        text = f"{self._path.name} makes {count} segment{'s' if count != 1 else ''}, added {where}."
        if split:
            text += f" Long paragraphs were cut at sentence ends into {split} more."
        self.summary.setText(text)
        self.preview.clear()
        for number, piece in enumerate(self.texts[:PREVIEW_ROWS], start=1):
            self.preview.addItem(f"{number}.  {one_line(piece)}")
        if count > PREVIEW_ROWS:
            self.preview.addItem(f"… and {count - PREVIEW_ROWS} more")
