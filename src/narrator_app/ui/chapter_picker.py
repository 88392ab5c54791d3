"""The chapter picker shown before a book is imported: its title and author, and its chapters with
checkboxes (front matter unticked), word counts and first lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from narrator_app.core.books import Book, narrated_by_default
from narrator_app.core.textimport import MAX_LIMIT, MIN_LIMIT
from narrator_app.ui.formatting import one_line

OPENING_CHARS = 160


def opening(paragraphs: tuple[str, ...]) -> str:
    """A chapter's first lines, on one line."""
    return one_line(" ".join(paragraphs[:3]), OPENING_CHARS)


class ChapterPicker(QDialog):
    """`picked()` are the 0-based indices of the ticked chapters, in book order."""

    def __init__(self, name: str, book: Book, limit: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {name}")
        self.setObjectName("chapterPicker")
        self.resize(760, 520)
        self._book = book
        heading = QLabel(self)
        heading.setObjectName("bookHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        by = f" by {book.author}" if book.author else ""
        heading.setText(f"{book.title or name}{by}")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("pickerSummary")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("chapterPickerList")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(["Chapter", "Words", "Opening"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 70)
        narrated = set(narrated_by_default(book))
        for number, chapter in enumerate(book.chapters, 1):
            item = QTreeWidgetItem(
                [chapter.title or f"Chapter {number}", f"{chapter.words:,}", opening(chapter.paragraphs)]
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = number - 1 in narrated
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if chapter.front_matter:
                item.setToolTip(0, "Front matter (contents, copyright…): not ticked by default")
            self.tree.addTopLevelItem(item)
        self.limit = QSpinBox(self)
        self.limit.setObjectName("importLimit")
        self.limit.setRange(MIN_LIMIT, MAX_LIMIT)
        self.limit.setSingleStep(100)
        self.limit.setValue(limit)
        self.limit.setSuffix(" characters")
        self.limit.setToolTip("A longer paragraph becomes several segments, cut at sentence ends.")
        form = QFormLayout()
        form.addRow("Split paragraphs longer than:", self.limit)

        all_button = QPushButton("Tick &all", self)
        none_button = QPushButton("Tick &none", self)
        all_button.clicked.connect(lambda: self._tick_all(Qt.CheckState.Checked))
        none_button.clicked.connect(lambda: self._tick_all(Qt.CheckState.Unchecked))
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(all_button)
        row.addWidget(none_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        self.tree.itemChanged.connect(lambda *_: self._update())
        self._update()

    def items(self) -> list[QTreeWidgetItem]:
        """The chapter rows, in book order."""
        count = self.tree.topLevelItemCount()
        return [item for n in range(count) if (item := self.tree.topLevelItem(n)) is not None]

    def set_ticked(self, indices: set[int]) -> None:
        for n, item in enumerate(self.items()):
            item.setCheckState(0, Qt.CheckState.Checked if n in indices else Qt.CheckState.Unchecked)

    def picked(self) -> list[int]:
        return [n for n, item in enumerate(self.items()) if item.checkState(0) == Qt.CheckState.Checked]

    def _tick_all(self, state: Qt.CheckState) -> None:
        for item in self.items():
            item.setCheckState(0, state)

    def _update(self) -> None:
        picked = self.picked()
        words = sum(self._book.chapters[i].words for i in picked)
        total = len(self._book.chapters)
        self.summary.setText(
            f"{len(picked)} of {total} chapter{'s' if total != 1 else ''} ticked, {words:,} words. "
            "Each becomes a chapter of the project, opening with its title."
        )
        self.import_button.setEnabled(bool(picked))
