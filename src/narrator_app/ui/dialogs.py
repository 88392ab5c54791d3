"""Small questions the window asks, and what it accepts when files are dropped on it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QMessageBox, QWidget

from narrator_app.textimport import SUFFIXES


def ask_to_import(parent: QWidget, path: Path, count: int) -> bool:
    answer = QMessageBox.question(
        parent,
        "Import text",
        f"Import {count} segment{'s' if count != 1 else ''} from {path.name}? "
        "They are added after the existing segments.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_to_delete(parent: QWidget, count: int) -> bool:
    answer = QMessageBox.question(
        parent,
        "Delete segments",
        f"Delete {count} segment{'s' if count != 1 else ''} with their text and audio?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def dropped_text_files(mime: QMimeData) -> list[Path]:
    """The local .txt and .md files among dropped URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in SUFFIXES]
