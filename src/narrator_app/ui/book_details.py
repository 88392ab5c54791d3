"""File → Book details…: the project's title, author, narrator and more, and its cover picture, for an
audiobook's tags."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import BookDetails
from narrator_app.app.chapter_commands import ChapterError, load_cover

FIELDS = (
    ("title", "&Title:"),
    ("author", "&Author:"),
    ("narrator", "&Narrator:"),
    ("year", "&Year:"),
    ("genre", "&Genre:"),
    ("language", "&Language:"),
)
THUMBNAIL = 128  # pixels, the longer side


class BookDetailsDialog(QDialog):
    """One line per detail, a box for the description and the cover; `details()` is what the user left."""

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
        form.addRow("Cover:", self._cover_row())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_cover(details.cover)

    def _cover_row(self) -> QHBoxLayout:
        self.cover_picture = QLabel(self)
        self.cover_picture.setObjectName("book_cover")
        self.cover_picture.setFixedSize(THUMBNAIL, THUMBNAIL)
        self.cover_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover_picture.setFrameShape(QLabel.Shape.StyledPanel)
        self.cover_info = QLabel(self)
        self.cover_info.setObjectName("book_cover_info")
        self.cover_info.setWordWrap(True)
        choose = QPushButton("C&hoose…", self)
        choose.setObjectName("book_cover_choose")
        choose.clicked.connect(lambda: self.choose_cover())
        self.remove_cover = QPushButton("&Remove", self)
        self.remove_cover.setObjectName("book_cover_remove")
        self.remove_cover.clicked.connect(lambda: self.set_cover(None))
        side = QVBoxLayout()
        side.addWidget(self.cover_info)
        side.addWidget(choose)
        side.addWidget(self.remove_cover)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.cover_picture)
        row.addLayout(side, 1)
        return row

    def set_cover(self, data: bytes | None) -> None:
        """Show `data` (a JPEG or PNG) as the cover, or none."""
        self._cover = data
        image = QImage.fromData(data) if data else QImage()
        if data and not image.isNull():
            self.cover_picture.setPixmap(
                QPixmap.fromImage(image).scaled(
                    THUMBNAIL,
                    THUMBNAIL,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            size = f"{len(data) / 1_048_576:.1f} MB" if len(data) >= 100_000 else f"{len(data) // 1000} kB"
            self.cover_info.setText(f"{image.width()} × {image.height()} pixels, {size}")
        else:
            self.cover_picture.clear()
            self.cover_picture.setText("No cover")
            self.cover_info.setText(
                "The picture a player shows for the audiobook (JPEG or PNG; stores ask for a square "
                "of at least 2400 pixels)."
                if not data
                else "This picture cannot be shown."
            )
        self.remove_cover.setEnabled(data is not None)

    def choose_cover(self, path: Path | None = None) -> bool:
        """Ask for a picture (or take `path`); a bad one is told here and the cover kept."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, "Cover picture", "", "Pictures (*.jpg *.jpeg *.png)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        try:
            data = load_cover(path)
        except ChapterError as error:
            self.cover_info.setText(str(error))
            return False
        if QImage.fromData(data).isNull():
            self.cover_info.setText(f"{path.name} is damaged: the picture cannot be read.")
            return False
        self.set_cover(data)
        return True

    def details(self) -> BookDetails:
        text = {name: edit.text().strip() for name, edit in self.fields.items()}
        return BookDetails(
            title=text["title"],
            author=text["author"],
            narrator=text["narrator"],
            year=text["year"],
            genre=text["genre"],
            description=self.description.toPlainText().strip(),
            language=text["language"],
            cover=self._cover,
        )
