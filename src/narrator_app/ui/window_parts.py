"""What the window's helpers (menus, transfers, undo actions) need of the main window, as a
Protocol: they take it (and the window as a plain QMainWindow, for menus, the status bar and as the
parent of their dialogs) instead of importing main_window.py, which imports them."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QMenu

from narrator_app.app.controller import Controller
from narrator_app.core.rules import Refusal
from narrator_app.ui.actions import Actions
from narrator_app.ui.message_bar import Kind
from narrator_app.ui.project_menu import ProjectMenu
from narrator_app.ui.segment_editor import SegmentEditor
from narrator_app.ui.segment_model import SegmentTableModel
from narrator_app.ui.segment_table import SegmentTable


class WindowParts(Protocol):
    controller: Controller
    commands: Actions
    model: SegmentTableModel
    table: SegmentTable
    segment_editor: SegmentEditor
    project_menu: ProjectMenu
    context_menu: QMenu

    def show_message(self, text: str, kind: Kind = Kind.INFO) -> None: ...

    def show_refusal(self, refusal: Refusal) -> None: ...

    def select_segment(self, segment_id: int) -> None: ...
