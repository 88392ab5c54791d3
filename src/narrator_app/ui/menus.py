"""Where each command appears: the menu bar, the toolbar and the segment context menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from narrator_app.ui.message_bar import Kind
from narrator_app.ui.project_menu import ProjectMenu
from narrator_app.ui.window_parts import WindowParts
from narrator_app.ui.window_state import recent_projects


def build_menus(window: WindowParts, widget: QMainWindow) -> None:
    """The menu bar, the toolbar and the segment context menu, all made of the window's one set of
    actions (ui/actions.py)."""
    a = window.commands
    file_menu = widget.menuBar().addMenu("&File")
    window.project_menu = ProjectMenu(
        window.controller,
        widget,
        lambda text: window.show_message(text, Kind.WARNING),
        lambda: recent_projects(window.controller.data_dir),
        lambda: window.segment_editor.save_now(),
    )
    file_menu.addAction(window.project_menu.new_action)
    file_menu.addMenu(window.project_menu)
    file_menu.addAction(window.project_menu.rename_action)
    file_menu.addAction(window.project_menu.delete_action)
    file_menu.addSeparator()
    _fill(file_menu, (a.import_, a.export, None, a.settings, a.models, None, a.quit))
    _fill(
        widget.menuBar().addMenu("&Edit"),
        (
            a.undo,
            a.redo,
            None,
            a.add,
            a.duplicate,
            a.delete,
            None,
            a.split,
            a.merge,
            None,
            a.move_up,
            a.move_down,
            None,
            a.lock,
        ),
    )
    _fill(
        widget.menuBar().addMenu("&Audio"),
        (
            a.generate,
            a.generate_all,
            a.regenerate_all,
            None,
            a.cancel,
            a.cancel_all,
            None,
            a.play,
            a.play_all,
            a.stop,
        ),
    )
    _fill(widget.menuBar().addMenu("&Help"), (a.open_logs, None, a.about))
    toolbar = QToolBar("Main", widget)
    toolbar.setObjectName("mainToolBar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    _fill(
        toolbar,
        (
            a.add,
            a.delete,
            a.lock,
            None,
            a.generate,
            a.generate_all,
            a.cancel_all,
            None,
            a.play,
            a.stop,
            None,
            a.settings,
        ),
    )
    widget.addToolBar(toolbar)
    _steady_width(toolbar, a.lock, ("&Lock", "Un&lock"))
    window.context_menu = QMenu(widget)
    window.context_menu.setObjectName("segmentContextMenu")
    _fill(
        window.context_menu,
        (
            a.generate,
            a.cancel,
            a.play,
            a.stop,
            None,
            a.lock,
            a.set_voice,
            a.duplicate,
            a.split,
            a.merge,
            a.delete,
            None,
            a.add,
        ),
    )
    window.table.addAction(a.delete)  # its shortcut only acts while the table has focus


def _fill(target: QMenu | QToolBar, entries: tuple[QAction | None, ...]) -> None:
    for entry in entries:
        if entry is None:
            target.addSeparator()
        else:
            target.addAction(entry)


def _steady_width(toolbar: QToolBar, action: QAction, texts: tuple[str, ...]) -> None:
    """A toolbar button whose text changes (Lock / Unlock) keeps the width of its longest text,
    so that the buttons after it do not move."""
    button = toolbar.widgetForAction(action)
    if button is None:
        return
    current = action.text()
    widths = []
    for text in texts:
        action.setText(text)
        widths.append(button.sizeHint().width())
    action.setText(current)
    button.setMinimumWidth(max(widths))
