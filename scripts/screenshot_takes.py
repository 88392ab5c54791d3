"""The takes panel with three takes of one segment (docs/images/takes-panel.png), from the real model;
run under Xvfb:

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_takes.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402
from screenshots import pause, resolve_model_dir, save_window, wait  # noqa: E402

from narrator_app.ui import build_main_window  # noqa: E402

SEGMENTS = (
    "Chapter One. The lighthouse keeper's daughter.",
    "Every evening at dusk she climbed the hundred and twelve steps to light the lamp.",
    "The storm came in from the west, faster than anyone had expected.",
)


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        c = window.controller
        window.resize(1100, 680)
        window.move(0, 0)
        window.show()
        c.generation.wait()
        ids = [c.segments.add(text).id for text in SEGMENTS]

        def render(segment_id: int) -> None:
            before = len(c.takes.list(segment_id))  # type: ignore[arg-type]
            task = c.generation.generate_audio(segment_id)
            assert isinstance(task, str), task
            wait(lambda: len(c.takes.list(segment_id)) > before)  # type: ignore[arg-type]

        c.settings.update(speed=1.0)
        for segment_id in ids:
            render(segment_id)
        c.settings.update(speed=0.85)  # a slower take 2: outdated once the speed is back
        render(ids[1])
        render(ids[2])
        c.settings.update(speed=1.0)
        render(ids[1])  # take 3, in use
        c.takes.trim(ids[1], 0.15, 0.2)  # its silent edges cut: heard shorter
        window.select_segment(ids[1])
        window.splitter.setSizes([300, 300])
        row = window.takes_panel.parentWidget()  # the editor and the panel side by side
        assert isinstance(row, QSplitter)
        row.setSizes([520, 580])
        window.takes_panel.select(1, 3)  # two takes selected: Play A/B compares them
        pause(600)
        save_window(window, "images/takes-panel.png")
        window.close()
        c.shutdown()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
