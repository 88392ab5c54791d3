"""The segment table view: a QTableView that says what to do when the project is empty."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView, QWidget

from narrator_app.ui.segment_model import Column
from narrator_app.ui.waveforms import WaveformDelegate

EMPTY_HINT = (
    "No segments yet.\n\n"
    "Press Ctrl+N (Add segment) and type the text to narrate below,\n"
    "then Ctrl+G to generate its audio and Space to hear it."
)


class SegmentTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentTable")
        self.setAccessibleName("Segments")

    def configure(self, model: QAbstractItemModel, voice_delegate: QStyledItemDelegate) -> None:
        """Rows selected whole, dragged to a new place, columns sized; the text is edited below."""
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Rows can be dragged to a new place (the model moves them through the controller).
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        # Text is edited in the editor below, which keeps line breaks; double-click goes there.
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        self.setItemDelegateForColumn(Column.WAVEFORM, WaveformDelegate(self))
        self.setItemDelegateForColumn(Column.VOICE, voice_delegate)
        for column, width in (
            (Column.WAVEFORM, 120),
            (Column.NUMBER, 44),
            (Column.LOCK, 52),
            (Column.STATUS, 130),
            (Column.DURATION, 124),  # room for '0:04.0 · 3 takes'
            (Column.VOICE, 130),
        ):
            self.setColumnWidth(column, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
            painter.end()
