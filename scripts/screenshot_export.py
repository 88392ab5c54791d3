"""Render docs/images/export-dialog.png: the export dialog set for an M4B audiobook, from the real app.

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_export.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import pause, resolve_model_dir, save_window  # noqa: E402

from narrator_app.store.records import BookDetails  # noqa: E402
from narrator_app.ui import build_main_window  # noqa: E402
from narrator_app.ui.export_dialog import ExportDialog  # noqa: E402

BOOK = {
    "Chapter One: The Lamp": ["The keeper lit the lamp.", "Ships passed in the night."],
    "Chapter Two: The Morning": ["Morning came, grey and calm."],
}


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        c = window.controller
        window.show()
        first = c.chapters.all()[0]
        c.chapters.rename(first.id, "Chapter One: The Lamp")
        chapters = [first, c.chapters.add("Chapter Two: The Morning")]
        for chapter, texts in zip(chapters, BOOK.values(), strict=True):
            for text in texts:
                c.segments.add(text, chapter_id=chapter.id)
        c.chapters.set_book_details(
            BookDetails(
                title="The Lighthouse", author="Ada Writer", narrator="Nara Tor", year="2024", genre="Fiction"
            )
        )
        c.generation.generate_all()
        while c.generation.batch_state() is None or not c.generation.batch_state().finished:  # type: ignore[union-attr]
            pause(200)
        dialog = ExportDialog(c, window)
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("m4b"))
        dialog.path.setText(str(Path.home() / "Music" / "The Lighthouse.m4b"))
        dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
        dialog.book.loudness.setCurrentIndex(dialog.book.loudness.findData("acx"))
        dialog.book.check_acx.setChecked(True)
        dialog.book.cover.setText(str(Path.home() / "Pictures" / "lighthouse-cover.jpg"))
        dialog.show()
        pause(400)
        save_window(dialog, "images/export-dialog.png")
        dialog.close()
        window.close()
        c.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
