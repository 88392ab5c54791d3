"""Render docs/images/lexicon.png: the Lexicon dialog over a small project (no model needed).

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_lexicon.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import save_window  # noqa: E402

from narrator_app.ui import build_main_window  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("narrator-app")
    with tempfile.TemporaryDirectory() as data:
        window = build_main_window(Path(data), Path(data) / "no-models")
        c = window.controller
        for text in (
            "Hermione met Dr. Okonkwo on Elm St. at 4:30 p.m.",
            "Okonkwo paid $12.50 for the GIF.",
            "The quay was quiet; Hermione waited.",
            "Nothing here needs the lexicon.",
        ):
            c.segments.add(text)
        c.lexicon.add("Hermione", say="Her-MY-oh-nee")
        c.lexicon.add("Okonkwo", ipa="oʊkˈɒŋkwoʊ", project=True)
        c.lexicon.add("quay", say="key")
        c.lexicon.add("GIF", say="jif", case_sensitive=True)
        window.resize(1100, 700)
        window.show()
        window.lexicon_action.trigger()
        dialog = window.lexicon_dialog
        dialog.table.selectRow(1)
        save_window(dialog, "images/lexicon.png")
        dialog.close()
        window.close()
        c.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
