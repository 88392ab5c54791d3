"""The table model: one row per segment, with its generation state."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyle

from narrator_app.app.catalog import SegmentRecord, audio_voice
from narrator_app.app.controller import Controller
from narrator_app.app.errors import VoicesUnavailable
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason, SettingsError, is_blank, literal
from narrator_app.core.tasks import TaskInfo, TaskStatus
from narrator_app.ui.formatting import format_duration, one_line
from narrator_app.ui.waveforms import WAVEFORM_ROLE, WaveformCache, heard_part

SEGMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEGMENT_IDS_MIME = "application/x-narrator-segment-ids"

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NUMBER = 0
    LOCK = 1
    TEXT = 2
    STATUS = 3
    DURATION = 4
    WAVEFORM = 5
    VOICE = 6


HEADERS = {
    Column.NUMBER: "#",
    Column.LOCK: "Lock",
    Column.TEXT: "Text",
    Column.STATUS: "Status",
    Column.DURATION: "Duration",
    Column.WAVEFORM: "Audio",
    Column.VOICE: "Voice",
}


def direction_detail(record: SegmentRecord) -> str:
    """The Voice cell's detail: a segment's own speed and pause after it, if it has them."""
    speed = f" · {record.speed:g}×" if record.speed is not None else ""
    pause = f" · +{record.pause_after:g} s" if record.pause_after is not None else ""
    return speed + pause


def direction_tooltip(record: SegmentRecord) -> str:
    speed = "the global speed" if record.speed is None else f"its own speed {record.speed:g}×"
    pause = (
        "the export's pause after it"
        if record.pause_after is None
        else f"{record.pause_after:g} s of silence after it in an export"
    )
    return f"\nRead at {speed}, with {pause} (context menu → Speed and pause…)."


class SegmentTableModel(QAbstractTableModel):
    """Plain rows plus an id → row map; every change to one segment is one dataChanged."""

    refused = Signal(object)  # a Refusal from an edit made in the table

    def __init__(
        self, controller: Controller, parent: QObject | None = None, waveforms: WaveformCache | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._waveforms = waveforms
        if waveforms is not None:
            waveforms.ready.connect(self._refresh_waveforms)
        self._rows: list[SegmentRecord] = []
        self._row_of: dict[int, int] = {}
        self._tasks: dict[int, TaskInfo] = {}  # latest task per segment id
        self._icons: dict[str, Any] = {}  # status word → icon, loaded once
        # Read when the rows are (re)read, not per paint: takes per segment, current take's trim.
        self._take_counts: dict[int, int] = {}
        self._trims: dict[int, tuple[float, float]] = {}
        controller.segments_reset.connect(self.reload)
        controller.project_changed.connect(self.reload)
        controller.segment_changed.connect(self.refresh_segment)
        controller.task_changed.connect(self._on_task_changed)
        controller.task_progress.connect(self._on_task_progress)
        controller.settings_changed.connect(self._refresh_statuses)
        controller.model_prepared.connect(self._refresh_statuses)
        self.reload()

    # -- reading ----------------------------------------------------------------------------
    def segment_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, segment_id: int) -> int | None:
        return self._row_of.get(segment_id)

    def record(self, segment_id: int) -> SegmentRecord | None:
        row = self._row_of.get(segment_id)
        return None if row is None else self._rows[row]

    def take_count(self, segment_id: int) -> int:
        return self._take_counts.get(segment_id, 0)

    def trim(self, segment_id: int) -> tuple[float, float]:
        """Seconds cut from the start and end of the segment's current take when it is heard."""
        return self._trims.get(segment_id, (0.0, 0.0))

    def heard_duration(self, record: SegmentRecord) -> float | None:
        """The segment's audio as heard: its current take less the take's trim."""
        if record.audio_duration is None:
            return None
        start, end = self.trim(record.id)
        return max(0.0, record.audio_duration - start - end)

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # between rows and after the last one
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        record = self._rows[index.row()]
        if index.column() == Column.LOCK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() in (Column.TEXT, Column.VOICE) and not record.is_locked:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = Column(index.column())
        if role == SEGMENT_ID_ROLE:
            return record.id
        if role == WAVEFORM_ROLE and column == Column.WAVEFORM:
            path = self._controller.segments.audio_path(record)
            peaks = None if path is None or self._waveforms is None else self._waveforms.peaks(path)
            return None if peaks is None else heard_part(peaks, record.audio_duration, self.trim(record.id))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == Qt.ItemDataRole.EditRole and column == Column.TEXT:
            return record.text
        if role == Qt.ItemDataRole.EditRole and column == Column.VOICE:
            return record.voice or ""
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.LOCK:
            return Qt.CheckState.Checked if record.is_locked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS:
                return self._status(record)[1] or None
            if column == Column.TEXT:
                return record.text or None
            if column == Column.LOCK:
                return "Locked: its text and audio are protected" if record.is_locked else "Unlocked"
            if column == Column.VOICE:
                return self._voice_tooltip(record) + direction_tooltip(record)
            if column == Column.DURATION:
                return self._duration_tooltip(record)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.VOICE and not record.voice:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)  # the default
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return self._status_icon(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.NUMBER, Column.DURATION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        segment_id = self._rows[index.row()].id
        if index.column() == Column.TEXT and role == Qt.ItemDataRole.EditRole:
            result = self._controller.segments.update(segment_id, text=str(value))
        elif index.column() == Column.VOICE and role == Qt.ItemDataRole.EditRole:
            try:
                result = self._controller.segments.set_voice(segment_id, str(value or ""))
            except (SettingsError, VoicesUnavailable) as error:
                result = Refusal(segment_id, RefusalReason.INVALID, literal(str(error)))
        elif index.column() == Column.LOCK and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            result = self._controller.segments.update(segment_id, locked=checked)
        else:
            return False
        if isinstance(result, Refusal):
            self.refused.emit(result)
            return False
        return True

    # -- drag and drop to reorder ------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [SEGMENT_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        mime = QMimeData()
        mime.setData(SEGMENT_IDS_MIME, QByteArray(",".join(str(self._rows[r].id) for r in rows).encode()))
        return mime

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        """Move the dragged segments to the drop row, in their order. Returns False so that the view
        does not remove the source rows itself: the move already happened, through the controller."""
        if action != Qt.DropAction.MoveAction or not data.hasFormat(SEGMENT_IDS_MIME):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._rows)
        ids = [int(part) for part in bytes(data.data(SEGMENT_IDS_MIME).data()).decode().split(",") if part]
        moving = [self._rows[self._row_of[i]] for i in ids if i in self._row_of]
        # Rows above the drop point that move out of the way shift the target up by one each.
        target = row - sum(1 for record in moving if record.position < row)
        with self._controller.edits.group("Move segments" if len(moving) > 1 else "Move segment"):
            for offset, record in enumerate(moving):
                current = self._controller.segments.get(record.id)
                if current is not None:
                    self._controller.segments.move(record.id, target + offset - current.position)
        return False

    # -- keeping in step with the controller ------------------------------------------------
    def reload(self) -> None:
        """Re-read the list; rows added at the end or removed are told to views as such."""
        new = self._controller.segments.all()
        self._take_counts = self._controller.takes.counts()
        self._trims = self._controller.takes.trims()
        old_ids = [r.id for r in self._rows]
        new_ids = [r.id for r in new]
        if new_ids[: len(old_ids)] == old_ids and len(new_ids) > len(old_ids):
            self.beginInsertRows(QModelIndex(), len(old_ids), len(new_ids) - 1)
            self._set_rows(new)
            self.endInsertRows()
        elif len(new_ids) == len(old_ids) - 1 and set(new_ids) < set(old_ids):
            (gone,) = set(old_ids) - set(new_ids)
            row = old_ids.index(gone)
            self.beginRemoveRows(QModelIndex(), row, row)
            self._set_rows(new)
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self._set_rows(new)
            self.endResetModel()
        # Rows after a removed one changed their number.
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.NUMBER), self.index(len(self._rows) - 1, Column.NUMBER)
            )

    def refresh_segment(self, segment_id: int) -> None:
        row = self._row_of.get(segment_id)
        record = self._controller.segments.get(segment_id)
        if record is not None and record.project_id != self._controller.project.id:
            return  # a job of another project finished: not shown here
        if row is None or record is None:
            self.reload()
            return
        self._read_takes(segment_id)
        task = self._tasks.get(segment_id)
        if task is not None and not task.status.is_active and record != self._rows[row]:
            # The segment changed since its last task ended: show its audio status from now on,
            # not a stale "Failed" or "Cancelled".
            del self._tasks[segment_id]
        self._rows[row] = record
        self._emit_row_changed(row)

    def _read_takes(self, segment_id: int) -> None:
        takes = self._controller.takes.list(segment_id)
        takes = [] if isinstance(takes, Refusal) else takes
        self._take_counts[segment_id] = len(takes)
        current = next((t for t in takes if t.current), None)
        if current is not None and (current.trim_start or current.trim_end):
            self._trims[segment_id] = (current.trim_start, current.trim_end)
        else:
            self._trims.pop(segment_id, None)

    def _set_rows(self, rows: list[SegmentRecord]) -> None:
        self._rows = rows
        self._row_of = {r.id: i for i, r in enumerate(rows)}

    def _emit_row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _refresh_waveforms(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.WAVEFORM),
                self.index(len(self._rows) - 1, Column.WAVEFORM),
                [WAVEFORM_ROLE],
            )

    def _refresh_statuses(self, *_: object) -> None:
        """Settings or model changed: any row's audio may have become outdated (or ready again)."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.STATUS), self.index(len(self._rows) - 1, Column.STATUS)
            )

    def _on_task_changed(self, task_id: str, segment_id: int) -> None:
        info = self._controller.generation.task(task_id)
        if info is None:
            return
        self._tasks[segment_id] = info
        if (row := self._row_of.get(segment_id)) is not None:
            self._emit_row_changed(row)

    def _on_task_progress(self, task_id: str, segment_id: int, _fraction: float) -> None:
        info = self._tasks.get(segment_id)
        if info is None or info.task_id != task_id:
            return
        if (row := self._row_of.get(segment_id)) is not None:
            index = self.index(row, Column.STATUS)
            self.dataChanged.emit(index, index)

    # -- presentation -----------------------------------------------------------------------
    def _display(self, record: SegmentRecord, column: Column) -> str | None:
        if column == Column.NUMBER:
            return str(record.position + 1)
        if column == Column.TEXT:
            return one_line(record.text) if not is_blank(record.text) else "(empty)"
        if column == Column.STATUS:
            return self._status(record)[0]
        if column == Column.DURATION:
            heard = self.heard_duration(record)
            if heard is None:
                return ""
            count = self.take_count(record.id)
            return format_duration(heard) + (f" · {count} takes" if count > 1 else "")
        if column == Column.VOICE:
            voice = record.voice or self._controller.generation.generation_settings().voice or "default"
            return voice + direction_detail(record)
        return None

    def _duration_tooltip(self, record: SegmentRecord) -> str | None:
        heard = self.heard_duration(record)
        if heard is None or record.audio_duration is None:
            return None
        start, end = self.trim(record.id)
        lines = [f"Heard: {format_duration(heard)}"]
        if start or end:
            lines[0] += (
                f" of its {format_duration(record.audio_duration)} take "
                f"(trimmed {start:g} s at the start, {end:g} s at the end)"
            )
        count = self.take_count(record.id)
        if count > 1:
            lines.append(f"{count} takes: the takes panel lists them to play, compare and choose.")
        return "\n".join(lines)

    def _voice_tooltip(self, record: SegmentRecord) -> str:
        """Which voice will be used, and which made the current audio."""
        default = self._controller.generation.generation_settings().voice
        lines = [
            f"This segment's own voice: {record.voice}"
            if record.voice
            else f"The default voice ({default or 'none chosen'}); double-click to give this segment its own"
        ]
        made_with = audio_voice(record)
        if made_with:
            lines.append(f"Its current audio was made with {made_with}.")
        return "\n".join(lines)

    def _status(self, record: SegmentRecord) -> tuple[str, str]:
        """(short status, longer explanation for the tooltip)."""
        info = self._tasks.get(record.id)
        if info is not None:
            if info.status is TaskStatus.PENDING:
                return "Queued", "Waiting for its turn to be generated."
            if info.status is TaskStatus.RUNNING:
                percent = round(self._controller.generation.progress_of(info.task_id) * 100)
                return (f"Generating {percent}%" if percent else "Generating…"), "Generating its audio now."
            if info.status is TaskStatus.FAILED:
                return "Failed", info.message
            # A cancelled task leaves the row as it was (outdated with its old audio, or none):
            # the window notes the cancel in the status bar.
        status, reason = self._controller.generation.audio_status(record)
        if status is AudioStatus.READY:
            return "Ready", f"Audio: {record.audio_file}"
        if status is AudioStatus.OUTDATED:
            return "Outdated", f"{reason} Generate it again to update it."
        if status is AudioStatus.DAMAGED:
            return "Damaged", f"{reason} Generate it again (Generate all does)."
        if is_blank(record.text):
            return "Empty", "Add text to this segment to generate its audio."
        return "No audio", "Generate audio to hear this segment."

    def _status_icon(self, record: SegmentRecord) -> Any:
        status = self._status(record)[0].split()[0].rstrip("…")
        if status not in self._icons:
            self._icons[status] = self._load_icon(status)
        return self._icons[status]

    @staticmethod
    def _load_icon(status: str) -> Any:
        pixmap = {
            "Ready": QStyle.StandardPixmap.SP_DialogApplyButton,
            "Outdated": QStyle.StandardPixmap.SP_BrowserReload,
            "Failed": QStyle.StandardPixmap.SP_MessageBoxWarning,
            "Damaged": QStyle.StandardPixmap.SP_MessageBoxWarning,
            "Generating": QStyle.StandardPixmap.SP_MediaPlay,
            "Queued": QStyle.StandardPixmap.SP_FileDialogDetailedView,
        }.get(status)
        if pixmap is None:
            return None
        style = QApplication.style()
        return style.standardIcon(pixmap) if style is not None else None
