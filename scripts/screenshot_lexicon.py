"""Render docs/images/lexicon.png: the Lexicon dialog over a small project (no model needed).

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_lexicon.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from narrator_app.ui import build_main_window

DOCS = Path(__file__).resolve().parents[1] / "docs"


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
        app.processEvents()
        path = DOCS / "images" / "lexicon.png"
        dialog.grab().save(str(path))
        print(f"saved {path.relative_to(DOCS.parent)}")
        dialog.close()
        window.close()
        c.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
