"""File → Book details…: the project's title, author, narrator and more, for an audiobook's tags."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import BookDetails

FIELDS = (
    ("title", "&Title:"),
    ("author", "&Author:"),
    ("narrator", "&Narrator:"),
    ("year", "&Year:"),
    ("genre", "&Genre:"),
    ("language", "&Language:"),
)


class BookDetailsDialog(QDialog):
    """One line per detail and a box for the description; `details()` is what the user left."""

    def __init__(self, details: BookDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Book details")
        self.setObjectName("bookDetailsDialog")
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, label in FIELDS:
            edit = QLineEdit(getattr(details, name), self)
            edit.setObjectName(f"book_{name}")
            self.fields[name] = edit
            form.addRow(label, edit)
        self.fields["year"].setPlaceholderText("e.g. 1908")
        self.fields["language"].setPlaceholderText("e.g. en")
        self.description = QPlainTextEdit(details.description, self)
        self.description.setObjectName("book_description")
        self.description.setTabChangesFocus(True)
        form.addRow("&Description:", self.description)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def details(self) -> BookDetails:
        values = {name: edit.text().strip() for name, edit in self.fields.items()}
        return dataclasses.replace(
            BookDetails(), **values, description=self.description.toPlainText().strip()
        )
