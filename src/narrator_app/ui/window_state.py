"""Window size, splitter and column widths, saved on close and restored on start (QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

UI_STATE_FILE = "window.ini"


def _settings(data_dir: Path) -> QSettings:
    """Window layout, kept with the data it shows (one file per data dir)."""
    return QSettings(str(data_dir / UI_STATE_FILE), QSettings.Format.IniFormat)


def restore_window_state(window: QMainWindow, splitter: QSplitter, table: QTableView, data_dir: Path) -> None:
    settings = _settings(data_dir)
    for key, restore in (
        ("window/geometry", window.restoreGeometry),
        ("window/state", window.restoreState),
        ("window/splitter", splitter.restoreState),
        ("window/columns", table.horizontalHeader().restoreState),
    ):
        value = settings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            restore(value)
    for other in _other_splitters(window, splitter):
        value = settings.value(f"splitters/{other.objectName()}")
        if isinstance(value, QByteArray) and not value.isEmpty():
            other.restoreState(value)


def _other_splitters(window: QMainWindow, main: QSplitter) -> list[QSplitter]:
    """The window's named splitters besides the main one (chapters | segments, editor | takes)."""
    return [s for s in window.findChildren(QSplitter) if s is not main and s.objectName()]


def last_project(data_dir: Path) -> int | None:
    """The id of the project open last time (by id: a rename elsewhere does not lose it)."""
    value = _settings(data_dir).value("project/last")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


RECENT_PROJECTS = 5


def recent_projects(data_dir: Path) -> list[int]:
    """Ids of the projects opened most recently, the last one first."""
    value = _settings(data_dir).value("project/recent")
    items = value if isinstance(value, list) else [value] if value is not None else []
    recent: list[int] = []
    for item in items:
        try:
            recent.append(int(item))
        except (TypeError, ValueError):
            continue
    return recent


def save_last_project(data_dir: Path, project_id: int) -> None:
    settings = _settings(data_dir)
    settings.setValue("project/last", project_id)
    recent = [project_id] + [i for i in recent_projects(data_dir) if i != project_id]
    settings.setValue("project/recent", [str(i) for i in recent[:RECENT_PROJECTS]])
    settings.sync()


def save_window_state(window: QMainWindow, splitter: QSplitter, table: QTableView, data_dir: Path) -> None:
    settings = _settings(data_dir)
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("window/splitter", splitter.saveState())
    for other in _other_splitters(window, splitter):
        settings.setValue(f"splitters/{other.objectName()}", other.saveState())
    settings.setValue("window/columns", table.horizontalHeader().saveState())
    settings.sync()


def import_limit(data_dir: Path, default: int) -> int:
    """The paragraph length above which an import splits, as last chosen."""
    value = _settings(data_dir).value("import/limit")
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def save_import_limit(data_dir: Path, limit: int) -> None:
    settings = _settings(data_dir)
    settings.setValue("import/limit", limit)
    settings.sync()
