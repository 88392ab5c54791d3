"""The editor with highlighted direction tags (docs/images/direction-tags.png); run under Xvfb:

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_direction.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import pause, resolve_model_dir, save_window  # noqa: E402

from narrator_app.ui import build_main_window  # noqa: E402

TEXT = (
    "The door opened. [pause 1.5s] Nobody was there.\n"
    '"Who is it?" [voice jm_kumo]"Only the wind," he said.[/voice]\n'
    "[speed 0.8]She waited, very still,[/speed] then [pause forever] ran."
)


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        c = window.controller
        window.resize(1000, 600)
        window.move(0, 0)
        window.show()
        c.generation.wait()
        c.segments.add("Chapter one.")
        record = c.segments.add(TEXT)
        c.segments.set_direction(record.id, speed=0.9, pause_after=2.0)
        window.select_segment(record.id)
        window.splitter.setSizes([260, 340])
        pause(500)
        save_window(window, "images/direction-tags.png")
        window.close()
        c.shutdown()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
