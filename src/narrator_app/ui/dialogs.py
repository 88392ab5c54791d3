"""Small questions the window asks, and what it accepts when files are dropped on it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QMessageBox, QWidget

from narrator_app.core.textimport import SUFFIXES

BOOK_SUFFIXES = (".epub", ".pdf", ".html", ".htm", ".xhtml")


def ask_yes(parent: QWidget, title: str, question: str, *, yes_by_default: bool) -> bool:
    """A Yes/Cancel question; Enter picks the default."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    default = QMessageBox.StandardButton.Yes if yes_by_default else QMessageBox.StandardButton.Cancel
    return QMessageBox.question(parent, title, question, buttons, default) == QMessageBox.StandardButton.Yes


def _segments(count: int) -> str:
    return f"{count} segment{'s' if count != 1 else ''}"


def ask_to_delete(parent: QWidget, count: int) -> bool:
    return ask_yes(
        parent,
        "Delete segments",
        f"Delete {_segments(count)} with {'its' if count == 1 else 'their'} text and audio? "
        f"Undo (Ctrl+Z) brings {'it' if count == 1 else 'them'} back.",
        yes_by_default=False,
    )


def ask_to_delete_project(parent: QWidget, name: str, count: int) -> bool:
    question = (
        f"Delete the project {name!r} with its {_segments(count)} and their audio? This cannot be undone."
    )
    return ask_yes(parent, "Delete project", question, yes_by_default=False)


def dropped_text_files(mime: QMimeData) -> list[Path]:
    """The local text and book files (.txt, .md, .epub, .pdf, .html...) among dropped URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in (*SUFFIXES, *BOOK_SUFFIXES)]
