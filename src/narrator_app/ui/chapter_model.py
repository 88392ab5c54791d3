"""The chapter list's model: one row per chapter of the open project, with its audio status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from narrator_app.app.chapter_commands import ChapterError, ChapterStatus
from narrator_app.app.controller import Controller
from narrator_app.ui.formatting import format_duration

CHAPTER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's second line alone (describe_status)
REFRESH_MS = 150  # a burst of segment changes (a batch finishing rows) re-reads the list once

AnyIndex = QModelIndex | QPersistentModelIndex


def describe_status(status: ChapterStatus) -> str:
    """The second line of a chapter row: "12/30 ready · 2 outdated · 3 missing · 1:23.0"."""
    parts = [f"{status.ready}/{status.segments} ready"]
    if status.outdated:
        parts.append(f"{status.outdated} outdated")
    if status.missing:
        parts.append(f"{status.missing} missing")
    if status.locked:
        parts.append(f"{status.locked} locked")
    if status.duration:
        parts.append(format_duration(status.duration))
    return " · ".join(parts)


class ChapterListModel(QAbstractListModel):
    """Rows of `controller.chapters.statuses()`; the title is editable (renames the chapter). Edits,
    undo and generation re-read the list after a short delay (throttled)."""

    refused = Signal(str)  # a rename that was not done, and why

    def __init__(self, controller: Controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._rows: list[ChapterStatus] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        controller.chapters_changed.connect(self.reload)  # structure: at once
        controller.project_changed.connect(self.reload)
        controller.segments_reset.connect(self.reload)  # one per edit
        # one per finished segment or saved text: bursts during a batch
        controller.segment_changed.connect(lambda _id: self.schedule())
        controller.settings_changed.connect(self.schedule)
        self.reload()

    # -- reading ----------------------------------------------------------------------------
    def chapter_id(self, row: int) -> int:
        return self._rows[row].chapter.id

    def row_of(self, chapter_id: int) -> int | None:
        return next((n for n, s in enumerate(self._rows) if s.chapter.id == chapter_id), None)

    def status(self, chapter_id: int) -> ChapterStatus | None:
        row = self.row_of(chapter_id)
        return None if row is None else self._rows[row]

    def statuses(self) -> list[ChapterStatus]:
        return list(self._rows)

    # -- refresh ----------------------------------------------------------------------------
    def schedule(self) -> None:
        """Re-read soon (once for a burst of changes)."""
        if not self._timer.isActive():
            self._timer.start()

    def reload(self) -> None:
        """Re-read every chapter: the same chapters in the same order change in place (dataChanged,
        the selection stays), otherwise the model is reset."""
        self._timer.stop()
        if self._controller.session.closed:
            return
        fresh = self._controller.chapters.statuses()
        if [s.chapter.id for s in fresh] == [s.chapter.id for s in self._rows]:
            changed = [n for n, (old, new) in enumerate(zip(self._rows, fresh, strict=True)) if old != new]
            self._rows = fresh
            if changed:
                self.dataChanged.emit(self.index(min(changed)), self.index(max(changed)))
            return
        self.beginResetModel()
        self._rows = fresh
        self.endResetModel()

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        status = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{status.chapter.title}\n{describe_status(status)}"
        if role == Qt.ItemDataRole.EditRole:
            return status.chapter.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{status.chapter.title}: {status.segments} segments, {status.ready} ready, "
                f"{status.outdated} outdated, {status.missing} missing"
            )
        if role == CHAPTER_ID_ROLE:
            return status.chapter.id
        if role == STATUS_TEXT_ROLE:
            return describe_status(status)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not isinstance(value, str):
            return False
        status = self._rows[index.row()]
        if " ".join(value.split()) == status.chapter.title:
            return False
        try:
            self._controller.chapters.rename(status.chapter.id, value)  # reloads through chapters_changed
        except ChapterError as error:
            self.refused.emit(str(error))
            return False
        return True
