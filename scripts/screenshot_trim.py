"""Render docs/images/trim-handles.png: Trim audio… on a segment rendered by the real model.

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_trim.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import resolve_model_dir, save_window, wait  # noqa: E402

from narrator_app.ui import build_main_window  # noqa: E402
from narrator_app.ui.trim_dialog import TrimDialog  # noqa: E402

TEXT = "Every evening at dusk she climbed the hundred and twelve steps to light the lamp."


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
        save_window(dialog, "images/trim-handles.png")
        dialog.reject()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
