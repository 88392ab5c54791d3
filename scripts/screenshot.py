"""Render the README screenshot from the real app and the real model.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot.py [docs/screenshot.png]

Builds the window on a temporary data dir, adds sample segments, generates two of them with Kokoro
(waiting on the controller's signals), selects one and saves a grab of the window.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from narrator_app.ui import build_main_window

SEGMENTS = [
    ("Chapter One. The lighthouse keeper's daughter.", False),
    ("Every evening at dusk she climbed the hundred and twelve steps to light the lamp.", False),
    ("", False),
    ("The storm came in from the west, faster than anyone had expected.", True),
    ("Ships would be looking for her light tonight.", False),
]


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    app = QApplication(sys.argv[:1])
    app.setApplicationName("narrator-app")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir))
        controller = window.controller
        ids = [controller.add_segment(text, locked=locked).id for text, locked in SEGMENTS]
        window.resize(1000, 560)
        window.show()
        loop = QEventLoop()
        tasks = [controller.generate_audio(i) for i in ids[:2]]

        def check(*_: object) -> None:
            if all(not controller.task(t).status.is_active for t in tasks):  # type: ignore[union-attr]
                loop.quit()

        controller.task_changed.connect(check)
        QTimer.singleShot(120_000, loop.quit)
        check()
        loop.exec()
        window.select_segment(ids[1])
        window.statusBar().showMessage("Segment 2 is ready.")
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        print(f"saved {out}")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
