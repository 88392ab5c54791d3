"""Render the screenshots in the README and docs/ from the real app and the real model.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py

Needs a real X screen (Xvfb): pop-up menus are separate windows, captured from the screen. Writes
docs/screenshot.png and docs/images/*.png.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from narrator_app.core.textimport import paragraphs_from_file
from narrator_app.paths import resolve_model_dir
from narrator_app.ui import build_main_window
from narrator_app.ui.import_dialog import ImportPreview
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.segment_model import Column
from narrator_app.ui.settings_dialog import SettingsDialog

DOCS = Path(__file__).resolve().parents[1] / "docs"
SEGMENTS = [
    ("Chapter One. The lighthouse keeper's daughter.", False),
    ("Every evening at dusk she climbed the hundred and twelve steps to light the lamp.", False),
    ("", False),
    ("The storm came in from the west, faster than anyone had expected.", True),
    ("Ships would be looking for her light tonight, and she would not let them down.", False),
    ("Down in the village, doors were barred and shutters closed against the wind.", False),
    ("Somewhere out past the point, a ship's horn sounded, long and low.", False),
]


CHAPTER = """# Chapter Two: *The Storm*

The wind rose in the **afternoon**, and by dusk the sea was white.

Mara climbed the [lighthouse](https://example.org) stairs. She counted every step.

```
code blocks are not read aloud
```

- The lamp was trimmed.
- The oil was full.

## Night

A ship's horn sounded past the point. Then another, closer.
"""


def wait(condition: Callable[[], bool], timeout_s: float = 180) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(20)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()


def pause(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save_window(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = DOCS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    print(f"saved {path.relative_to(DOCS.parent)}")


def save_screen_area(window: MainWindow, name: str) -> None:
    """The window plus whatever pops up over it (menus), from the screen."""
    QApplication.processEvents()
    frame = window.frameGeometry()
    shot = window.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    path = DOCS / name
    shot.save(str(path))
    print(f"saved {path.relative_to(DOCS.parent)}")


def status_of(window: MainWindow, segment_id: int) -> str:
    row = window.model.row_of(segment_id)
    return str(window.model.index(row, Column.STATUS).data()) if row is not None else ""


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("narrator-app")
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        c = window.controller
        window.resize(1100, 680)  # the window's own first size
        window.move(0, 0)
        window.show()
        c.generation.wait()
        save_window(window, "images/empty-project.png")
        ids = [c.segments.add(text, locked=locked).id for text, locked in SEGMENTS]

        # Right-click -> Generate audio on the second segment.
        window.select_segment(ids[1])
        rect = window.table.visualRect(window.model.index(window.model.row_of(ids[1]), Column.TEXT))
        window.table.customContextMenuRequested.emit(rect.center() + QPoint(-200, 0))
        pause(300)
        save_screen_area(window, "images/context-menu.png")
        window.context_menu.close()

        # Generate all, caught mid-way.
        window.commands.generate_all.trigger()
        wait(
            lambda: (
                status_of(window, ids[1]) == "Ready" and status_of(window, ids[4]).startswith("Generating")
            )
        )
        save_window(window, "images/generate-all.png")
        wait(lambda: c.generation.batch_state() is not None and c.generation.batch_state().finished)  # type: ignore[union-attr]

        # An edited segment shows its audio as outdated.
        c.segments.update(
            ids[4], text="Ships would be looking for her light tonight; she would not fail them."
        )
        c.segments.set_voice(ids[6], "jm_kumo")  # its own voice: plain; the others' default: muted
        window.select_segment(ids[1])
        save_window(window, "screenshot.png")
        window.select_segment(ids[4])
        save_window(window, "images/outdated.png")

        # Cancel all during Regenerate all: "Stopping…" while a render runs on to its sentence end,
        # then every row in its real state (Ready, Outdated with its old audio, No audio).
        window.commands.regenerate_all.trigger()
        wait(lambda: status_of(window, ids[1]).startswith("Generating"))
        window.commands.cancel_all.trigger()
        save_window(window, "images/cancel-stopping.png")
        wait(lambda: c.generation.stopping() == 0 and not c.tasks.has_active())
        pause(200)
        save_window(window, "images/cancelled.png")

        dialog = SettingsDialog(c, window, more_voices=window.open_models)
        dialog.show()
        save_window(dialog, "images/settings.png")
        dialog.close()

        # Import: the preview of what a Markdown chapter becomes.
        chapter = Path(data_dir) / "chapter-two.md"
        chapter.write_text(CHAPTER, encoding="utf-8")
        preview = ImportPreview(chapter, paragraphs_from_file(chapter), 1000, window.model.rowCount(), window)
        preview.resize(620, 360)
        preview.show()
        save_window(preview, "images/import-preview.png")
        preview.close()

        # Undo: the Edit menu says what Ctrl+Z takes back.
        window.confirm_delete = lambda count: True
        window.select_segment(ids[5])
        window.commands.delete.trigger()
        (edit_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
        edit_menu.popup(window.mapToGlobal(QPoint(40, 20)))
        pause(300)
        save_screen_area(window, "images/undo.png")
        edit_menu.close()
        window.commands.undo.trigger()

        window.commands.models.trigger()
        window.model_dialog.picker.select_voice("jf_alpha")
        save_window(window.model_dialog, "images/model-dialog.png")
        window.model_dialog.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
