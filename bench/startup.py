"""Cold start: from the process start to the main window shown (its first paint). Run in a fresh
process by run.py, which notes the time just before starting it:

    python bench/startup.py DATA_DIR MODEL_DIR

Starts Narrator as `narrator-app` does (the GUI entry point, with its logging) and prints one JSON
object with the wall-clock time (time.time()) of the window's first paint, then exits at once.
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            print(json.dumps({"shown_at": time.time()}), flush=True)
            os._exit(0)  # the measurement is taken; closing the window is not part of it
        return False


def main() -> int:
    data_dir, model_dir = sys.argv[1:3]
    app = QApplication(sys.argv[:1])  # run_gui uses this one
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    from narrator_app.cli import main as narrator_main

    return narrator_main(["--data-dir", data_dir, "--model-dir", model_dir])


if __name__ == "__main__":
    sys.exit(main())
