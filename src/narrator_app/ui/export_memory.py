"""What the export dialog remembers per project (file, format, subtitles, audiobook options), and
the question it asks before an export replaces files that are already there.

The choices live in the data folder's window.ini (QSettings), under `export/<project id>/`: they are
the window's state, like its size, and a project's id is never reused, so a new project never
inherits a deleted one's choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from narrator_app.ui.window_state import UI_STATE_FILE

# Each remembered choice and the type it is read back as (QSettings' ini files keep only text).
CHOICES: dict[str, type] = {
    "path": str,
    "fmt": str,
    "pause": float,
    "subtitles": str,  # "" for none
    "cue_by": str,
    "per_segment": bool,
    "segments_dir": str,
    "split": bool,
    "chapter_pause": float,
    "bitrate": int,
    "loudness": str,  # "" for off
    "check_acx": bool,
}
SHOWN_FILES = 8  # the question names this many files, then "and N more"


def _settings(data_dir: Path) -> QSettings:
    return QSettings(str(data_dir / UI_STATE_FILE), QSettings.Format.IniFormat)


def _read(value: object, kind: type) -> Any:
    if kind is bool:
        return value is True or str(value).lower() in ("true", "1")
    return kind(value)


def load_choices(data_dir: Path, project_id: int) -> dict[str, Any]:
    """The choices of the project's last export (only those stored and readable)."""
    settings = _settings(data_dir)
    settings.beginGroup(f"export/{project_id}")
    found: dict[str, Any] = {}
    for key, kind in CHOICES.items():
        value = settings.value(key)
        if value is None:
            continue
        try:
            found[key] = _read(value, kind)
        except (TypeError, ValueError):
            continue  # a hand-edited or damaged value: that choice starts from its default
    settings.endGroup()
    return found


def save_choices(data_dir: Path, project_id: int, choices: dict[str, Any]) -> None:
    settings = _settings(data_dir)
    settings.beginGroup(f"export/{project_id}")
    for key in CHOICES:
        if key in choices:
            value = choices[key]
            settings.setValue(key, "" if value is None else value)
    settings.endGroup()
    settings.sync()


def existing_files(paths: Sequence[Path]) -> list[Path]:
    """The files among `paths` that are already there (each once, in order)."""
    seen: list[Path] = []
    for path in paths:
        if path not in seen and (path.is_file() or path.is_symlink()):
            seen.append(path)
    return seen


def replace_question(paths: Sequence[Path]) -> str:
    """ "Replace 2 files? story.wav, story.srt" and where they are."""
    names = ", ".join(p.name for p in paths[:SHOWN_FILES])
    more = f" and {len(paths) - SHOWN_FILES} more" if len(paths) > SHOWN_FILES else ""
    folders = sorted({str(p.parent) for p in paths})
    where = folders[0] if len(folders) == 1 else ", ".join(folders)
    count = f"{len(paths)} file{'s' if len(paths) != 1 else ''}"
    return f"Replace {count}? {names}{more}\n\nThey are already in {where}; the export writes over them."


def ask_to_replace(parent: QWidget, paths: Sequence[Path]) -> bool:
    """Ask once before an export replaces `paths`; True to go on. No is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, "Replace files?", replace_question(paths), parent=parent)
    box.setObjectName("replaceFilesBox")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("&Replace")
    box.button(QMessageBox.StandardButton.No).setText("&Keep them")
    answer = box.exec()
    box.deleteLater()
    return answer == QMessageBox.StandardButton.Yes
