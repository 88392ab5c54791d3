"""Help: the About box, opening the log folder, and the dialog for unexpected errors."""

from __future__ import annotations

import html
import logging
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from narrator_app import APP_NAME, __version__
from narrator_app.logs import error_for_log, log_dir

log = logging.getLogger(__name__)


def _version_of(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def about_text(model_file: Path | None) -> str:
    rows = [
        ("Narrator", __version__),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("onnxruntime", _version_of("onnxruntime")),
        ("kokoro-onnx", _version_of("kokoro-onnx")),
        ("Model file", str(model_file) if model_file else "none installed"),
    ]
    table = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return (
        f"<p>{APP_NAME} turns text segments into narration with the Kokoro-82M model, "
        "locally on this computer.</p>"
        f"<table cellspacing='4'>{table}</table>"
        "<p>Licence: GPL-3.0-or-later. Kokoro-82M weights: Apache-2.0.</p>"
    )


def show_about(parent: QWidget, model_file: Path | None) -> None:
    QMessageBox.about(parent, f"About {APP_NAME}", about_text(model_file))


def open_log_folder() -> bool:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ErrorReporter:
    """sys.excepthook for the window: an unexpected exception is logged and shown in a dialog with
    its details and the log path, and the app keeps running."""

    def __init__(self, parent: QWidget | None, log_file: Path | None) -> None:
        self.parent = parent
        self.log_file = log_file
        self.dialog: QMessageBox | None = None

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("Unexpected error: %s", error_for_log(error.with_traceback(tb)))
        where = f"The details were written to {self.log_file}." if self.log_file else ""
        dialog = QMessageBox(self.parent)
        dialog.setObjectName("errorDialog")
        dialog.setIcon(QMessageBox.Icon.Critical)
        dialog.setWindowTitle(f"{APP_NAME}: unexpected error")
        dialog.setText(f"Something went wrong: {error}")
        dialog.setInformativeText(f"Narrator keeps running; your work is saved. {where}".strip())
        dialog.setDetailedText("".join(traceback.format_exception(kind, error, tb)))
        dialog.open()  # window-modal, not blocking the event loop
        self.dialog = dialog
