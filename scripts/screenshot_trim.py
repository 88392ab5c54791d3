"""Render docs/images/trim-handles.png: Trim audio… on a segment rendered by the real model.

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_trim.py
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from narrator_app.paths import resolve_model_dir
from narrator_app.ui import build_main_window
from narrator_app.ui.trim_dialog import TrimDialog

DOCS = Path(__file__).resolve().parents[1] / "docs"
TEXT = "Every evening at dusk she climbed the hundred and twelve steps to light the lamp."


def wait(condition: Callable[[], bool], timeout_s: float = 180) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(20)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("narrator-app")
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        c = window.controller
        window.resize(1000, 600)
        window.show()
        record = c.segments.add(TEXT)
        task_id = c.generation.generate_audio(record.id)
        assert isinstance(task_id, str), task_id
        wait(lambda: not c.generation.task(task_id).status.is_active)  # type: ignore[union-attr]
        wait(lambda: window.model.record(record.id).has_audio)  # type: ignore[union-attr]
        window.select_segment(record.id)
        window.trim_action.trigger()  # as the context menu's "Trim audio…" does
        dialog: TrimDialog = window.trim_dialog  # type: ignore[attr-defined]
        wait(dialog.silence_button.isEnabled)  # the waveform has been read
        # A breath and a stray word cut off: the first "Every" and the end's tail.
        dialog.set_cuts(0.55, 0.35)
        dialog.waveform.setFocus()
        app.processEvents()
        path = DOCS / "images" / "trim-handles.png"
        dialog.grab().save(str(path))
        print(f"saved {path.relative_to(DOCS.parent)}")
        dialog.reject()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
