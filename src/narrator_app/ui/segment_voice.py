"""A segment's own voice: the Voice column's editor and the context menu's "Set voice…"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from narrator_app.app.controller import Controller
from narrator_app.app.errors import VoicesUnavailable
from narrator_app.ui.segment_model import Column, SegmentTableModel
from narrator_app.ui.settings_dialog import blend_example, bundled_voices_note

DEFAULT_LABEL = "(the global voice)"
AnyIndex = QModelIndex | QPersistentModelIndex
# (current voice or "", the installed voices) → the voice entered ("" for the global one), or None
AskVoice = Callable[[str, list[str]], str | None]


class VoiceWindow(Protocol):
    """What "Set voice…" needs of the window."""

    controller: Controller
    model: SegmentTableModel
    ask_voice: AskVoice

    def selected_ids(self) -> list[int]: ...


def installed_voices(controller: Controller) -> list[str]:
    try:
        return list(controller.settings.available_voices())
    except VoicesUnavailable:
        return []


class VoiceDelegate(QStyledItemDelegate):
    """An editable list of the installed voices; a blend can be typed; empty is the global voice."""

    def __init__(self, table: QTableView, controller: Controller) -> None:
        super().__init__(table)
        self._controller = controller

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.setObjectName("segmentVoiceEditor")
        combo.addItem(DEFAULT_LABEL, "")
        for voice in installed_voices(self._controller):
            combo.addItem(voice, voice)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or DEFAULT_LABEL)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        text = editor.currentText().strip()
        model.setData(index, "" if text == DEFAULT_LABEL else text, Qt.ItemDataRole.EditRole)


def ask_voice(parent: QWidget) -> AskVoice:
    def ask(current: str, voices: list[str]) -> str | None:
        items = [DEFAULT_LABEL, *voices]
        if current and current not in items:
            items.append(current)
        example = blend_example(voices)
        prompt = "Voice for the selected segments" + (f" (or a blend such as {example})" if example else "")
        note = bundled_voices_note(voices)
        text, ok = QInputDialog.getItem(
            parent,
            "Segment voice",
            f"{prompt}:" + (f"\n\n{note}" if note else ""),
            items,
            items.index(current) if current in items else 0,
            True,
        )
        if not ok:
            return None
        return "" if text.strip() == DEFAULT_LABEL else text.strip()

    return ask


def set_voice_of_selected(window: VoiceWindow) -> None:
    """Context menu → Set voice…: ask once, apply to every selected segment, report refusals."""
    ids = window.selected_ids()
    if not ids:
        return
    first = window.model.record(ids[0])
    answer = window.ask_voice(first.voice or "" if first else "", installed_voices(window.controller))
    if answer is None:
        return
    for segment_id in ids:
        row = window.model.row_of(segment_id)
        if row is not None:  # a refusal (locked, unknown voice) is shown by the window
            window.model.setData(window.model.index(row, Column.VOICE), answer, Qt.ItemDataRole.EditRole)
