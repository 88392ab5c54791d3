"""Starting the GUI."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from narrator_app import APP_ID, APP_NAME, __version__
from narrator_app.app.errors import DatabaseError
from narrator_app.core.rules import ProjectError
from narrator_app.desktop import asset
from narrator_app.ui.help import ErrorReporter


def run_gui(
    data_dir: Path, model_dir: Path | None, log_file: Path | None = None, project: str | None = None
) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(asset(f"{APP_ID}.svg"))))
    from narrator_app.ui import build_main_window

    try:
        window = build_main_window(data_dir, model_dir, project=project)
    except (DatabaseError, OSError, ProjectError) as error:  # no window to show it in: say it in a dialog
        QMessageBox.critical(None, APP_NAME, str(error))
        return 1
    ErrorReporter(window, log_file).install()
    window.show()
    code = app.exec()
    sys.excepthook = sys.__excepthook__
    # Destroy the window (and its player and thread pool) now, in Qt's order, rather than
    # leaving it to Python's garbage collector during interpreter shutdown.
    window.deleteLater()
    del window
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code
