"""Helpers for the tests that drive the main window: a window on a fresh data folder, a cell's data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.ui import build_main_window
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.segment_model import Column

MakeWindow = Callable[..., MainWindow]


def window_maker(qtbot, data_dir: Path) -> MakeWindow:  # type: ignore[no-untyped-def]
    """`make(model_dir, fake=None, player=None)`: the window, shown and active (window shortcuts
    need the active window), speaking with `fake` if given, deleting without asking."""

    def make(
        model_dir: Path, fake: FakeKokoro | None = None, player: AudioPlayer | None = None
    ) -> MainWindow:
        if player is None:
            kwargs = {"model_factory": lambda files, threads: fake} if fake is not None else {}
            window = build_main_window(data_dir, model_dir, **kwargs)
        else:
            controller = Controller(data_dir, model_dir, model_factory=lambda files, threads: fake)
            window = MainWindow(controller, player)
        window.confirm_delete = lambda count: True
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return make


def cell(
    window: MainWindow, segment_id: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    row = window.model.row_of(segment_id)
    assert row is not None
    return window.model.index(row, column).data(role)
