"""The chapter list beside the segment table, its actions (the Chapters menu and the list's context
menu) and what they do. Selecting a chapter scrolls the table to its first segment and selects it;
the chapter of the current segment is kept current in the list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QListView,
    QMainWindow,
    QMenu,
    QMenuBar,
    QWidget,
)

from narrator_app.app.chapter_commands import ChapterError
from narrator_app.core.rules import Refusal
from narrator_app.ui.actions import _action
from narrator_app.ui.book_details import BookDetailsDialog
from narrator_app.ui.chapter_delegate import ChapterDelegate
from narrator_app.ui.chapter_model import CHAPTER_ID_ROLE, ChapterListModel
from narrator_app.ui.dialogs import ask_yes
from narrator_app.ui.message_bar import Kind
from narrator_app.ui.segment_model import Column
from narrator_app.ui.window_parts import WindowParts


class ChapterWindow(WindowParts, Protocol):
    def selected_ids(self) -> list[int]: ...


@dataclass(frozen=True)
class ChapterActions:
    add: QAction
    rename: QAction
    move_up: QAction
    move_down: QAction
    delete: QAction
    generate: QAction
    move_segments: QAction
    book_details: QAction


def create_chapter_actions(parent: QWidget) -> ChapterActions:
    return ChapterActions(
        add=_action(parent, "&Add chapter…", "addChapterAction", None, None, "A new chapter after this one"),
        rename=_action(parent, "&Rename chapter…", "renameChapterAction", "F2", None, "Rename the chapter"),
        move_up=_action(parent, "Move chapter &up", "moveChapterUpAction", None, None, "Move the chapter up"),
        move_down=_action(
            parent, "Move chapter do&wn", "moveChapterDownAction", None, None, "Move the chapter down"
        ),
        delete=_action(
            parent,
            "&Delete chapter…",
            "deleteChapterAction",
            None,
            None,
            "Delete the chapter and its segments",
        ),
        generate=_action(
            parent,
            "&Generate chapter",
            "generateChapterAction",
            None,
            None,
            "Generate the chapter's segments whose audio is missing or outdated",
        ),
        move_segments=_action(
            parent,
            "Move selected segments to &chapter…",
            "moveSegmentsToChapterAction",
            None,
            None,
            "Move the selected segments to the end of another chapter",
        ),
        book_details=_action(
            parent,
            "&Book details…",
            "bookDetailsAction",
            None,
            None,
            "Title, author, narrator and more, written into an audiobook export",
        ),
    )


def ask_to_delete_chapter(parent: QWidget, title: str, count: int) -> bool:
    noun = f"{count} segment{'s' if count != 1 else ''}"
    return ask_yes(
        parent,
        "Delete chapter",
        f"Delete the chapter {title!r} with its {noun} and their audio? Undo (Ctrl+Z) brings it back.",
        yes_by_default=False,
    )


class ChapterPanel(QObject):
    """Owns the chapter list view, its model and the chapter actions of one window."""

    def __init__(self, window: ChapterWindow, widget: QMainWindow) -> None:
        super().__init__(widget)
        self._window = window
        self._widget = widget
        self._controller = controller = window.controller
        self._following = False  # the list follows the table: do not scroll the table back
        self.model = ChapterListModel(controller, self)
        self.view = QListView(widget)
        self.view.setObjectName("chapterList")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setItemDelegate(ChapterDelegate(self.view))
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMinimumWidth(180)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.actions = a = create_chapter_actions(widget)
        # Asked for titles, confirmations and a target chapter; tests replace them.
        self.ask_title: Callable[[str, str], str | None] = self._ask_title
        self.confirm_delete: Callable[[str, int], bool] = lambda title, n: ask_to_delete_chapter(
            widget, title, n
        )
        self.ask_chapter: Callable[[list[tuple[int, str]]], int | None] = self._ask_chapter
        self.context_menu = QMenu(widget)
        self.context_menu.setObjectName("chapterContextMenu")
        for entry in (a.generate, None, a.add, a.rename, a.move_up, a.move_down, None, a.delete):
            self.context_menu.addSeparator() if entry is None else self.context_menu.addAction(entry)

        a.add.triggered.connect(self.add_chapter)
        a.rename.triggered.connect(self.rename_chapter)
        a.move_up.triggered.connect(lambda: self.move_chapter(-1))
        a.move_down.triggered.connect(lambda: self.move_chapter(+1))
        a.delete.triggered.connect(self.delete_chapter)
        a.generate.triggered.connect(self.generate_chapter)
        a.move_segments.triggered.connect(self.move_segments)
        a.book_details.triggered.connect(self.open_book_details)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.model.refused.connect(lambda text: window.show_message(text, Kind.WARNING))
        self.model.modelReset.connect(self._follow_table)
        self.model.dataChanged.connect(lambda *_: self._update_actions())
        window.table.selectionModel().currentChanged.connect(lambda *_: self._follow_table())
        window.model.modelReset.connect(self._follow_table)
        self._update_actions()

    def install_menus(self, menu_bar: QMenuBar, before: QAction) -> None:
        """The Chapters menu (before Help), Book details… in the File menu before `before`, and Move
        to chapter… in the segment context menu."""
        a = self.actions
        menu = QMenu("&Chapters", menu_bar)
        menu.setObjectName("chaptersMenu")
        for entry in (a.add, a.rename, None, a.move_up, a.move_down, None, a.move_segments, None):
            menu.addSeparator() if entry is None else menu.addAction(entry)
        menu.addAction(a.generate)
        menu.addSeparator()
        menu.addAction(a.delete)
        help_menu = menu_bar.actions()[-1]
        menu_bar.insertMenu(help_menu, menu)
        file_menu = menu_bar.actions()[0].menu()
        if isinstance(file_menu, QMenu):
            file_menu.insertAction(before, a.book_details)
        self._window.context_menu.addSeparator()
        self._window.context_menu.addAction(a.move_segments)

    # -- current chapter --------------------------------------------------------------------
    def current_chapter(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(CHAPTER_ID_ROLE) if index.isValid() else None

    def select_chapter(self, chapter_id: int) -> None:
        row = self.model.row_of(chapter_id)
        if row is not None:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.view.selectionModel().setCurrentIndex(self.model.index(row), flags)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        if self._following or not current.isValid():
            return
        chapter_id = current.data(CHAPTER_ID_ROLE)
        window = self._window
        first = next(
            (
                window.model.segment_id(row)
                for row in range(window.model.rowCount())
                if (r := window.model.record(window.model.segment_id(row))) is not None
                and r.chapter_id == chapter_id
            ),
            None,
        )
        if first is None:
            return
        window.select_segment(first)
        row = window.model.row_of(first)
        if row is not None:
            window.table.scrollTo(
                window.model.index(row, Column.TEXT), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _follow_table(self) -> None:
        """Make the chapter of the table's current segment current in the list."""
        window = self._window
        index = window.table.currentIndex()
        record = (
            window.model.record(window.model.segment_id(index.row()))
            if index.isValid() and index.row() < window.model.rowCount()
            else None
        )
        if record is not None and record.chapter_id != self.current_chapter():
            self._following = True
            try:
                self.select_chapter(record.chapter_id)
            finally:
                self._following = False
        elif not self.view.currentIndex().isValid() and self.model.rowCount():
            self._following = True
            try:
                self.view.setCurrentIndex(self.model.index(0))
            finally:
                self._following = False
        self._update_actions()

    def _update_actions(self) -> None:
        a = self.actions
        current = self.current_chapter()
        row = None if current is None else self.model.row_of(current)
        count = self.model.rowCount()
        for action in (a.rename, a.generate):
            action.setEnabled(row is not None)
        a.delete.setEnabled(row is not None and count > 1)
        a.move_up.setEnabled(row is not None and row > 0)
        a.move_down.setEnabled(row is not None and row < count - 1)
        a.move_segments.setEnabled(count > 1)

    # -- commands ---------------------------------------------------------------------------
    def add_chapter(self) -> None:
        title = self.ask_title("Add chapter", "")
        if title is None:
            return
        current = self.current_chapter()
        row = None if current is None else self.model.row_of(current)
        try:
            record = self._controller.chapters.add(title, None if row is None else row + 1)
        except ChapterError as error:
            self._window.show_message(str(error), Kind.WARNING)
            return
        self._following = True  # an empty chapter has no segment to scroll to
        try:
            self.select_chapter(record.id)
        finally:
            self._following = False

    def rename_chapter(self) -> None:
        current = self.current_chapter()
        if current is None:
            return
        title = self.ask_title("Rename chapter", self._controller.chapters.get(current).title)
        if title is None:
            return
        try:
            self._controller.chapters.rename(current, title)
        except ChapterError as error:
            self._window.show_message(str(error), Kind.WARNING)

    def move_chapter(self, step: int) -> None:
        current = self.current_chapter()
        row = None if current is None else self.model.row_of(current)
        if current is None or row is None:
            return
        self._window.segment_editor.save_now()
        self._controller.chapters.move(current, max(0, row + step))
        self.select_chapter(current)

    def delete_chapter(self) -> None:
        current = self.current_chapter()
        status = None if current is None else self.model.status(current)
        if current is None or status is None:
            return
        self._window.segment_editor.save_now()
        if status.segments and not self.confirm_delete(status.chapter.title, status.segments):
            return
        try:
            result = self._controller.chapters.delete(current)
        except ChapterError as error:
            self._window.show_message(str(error), Kind.WARNING)
            return
        if isinstance(result, Refusal):
            self._window.show_refusal(result)
            return
        self._widget.statusBar().showMessage(f"Deleted the chapter {result.title!r}.", 5000)

    def generate_chapter(self) -> None:
        current = self.current_chapter()
        if current is None:
            return
        self._window.segment_editor.save_now()
        result = self._controller.generation.generate_all(chapter_id=current)
        if isinstance(result, Refusal):
            self._window.show_refusal(result)
            return
        title = self._controller.chapters.get(current).title
        self._widget.statusBar().showMessage(
            f"Generating {result.queued} segment{'s' if result.queued != 1 else ''} of {title!r}.", 8000
        )

    def move_segments(self) -> None:
        ids = self._window.selected_ids()
        if not ids:
            self._window.show_message("Select the segments to move first.", Kind.INFO)
            return
        self._window.segment_editor.save_now()
        choices = [(c.id, c.title) for c in self._controller.chapters.all()]
        target = self.ask_chapter(choices)
        if target is None:
            return
        moved = self._controller.chapters.move_segments(ids, target)
        title = self._controller.chapters.get(target).title
        self._window.select_segment(ids[0])
        self._widget.statusBar().showMessage(f"Moved {moved} segment(s) to {title!r}.", 5000)

    def open_book_details(self) -> None:
        dialog = BookDetailsDialog(self._controller.chapters.book_details(), self._widget)
        if dialog.exec() == BookDetailsDialog.DialogCode.Accepted:
            self._controller.chapters.set_book_details(dialog.details())
            self._widget.statusBar().showMessage("Book details saved.", 5000)

    # -- questions --------------------------------------------------------------------------
    def _ask_title(self, caption: str, text: str) -> str | None:
        title, ok = QInputDialog.getText(self._widget, caption, "Chapter title:", text=text)
        return title if ok else None

    def _ask_chapter(self, choices: list[tuple[int, str]]) -> int | None:
        labels = [f"{n}. {title}" for n, (_id, title) in enumerate(choices, 1)]
        current = self.current_chapter()
        start = next((n for n, (i, _t) in enumerate(choices) if i == current), 0)
        label, ok = QInputDialog.getItem(
            self._widget, "Move to chapter", "Move the selected segments to:", labels, start, False
        )
        return choices[labels.index(label)][0] if ok and label in labels else None

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.view.setCurrentIndex(index)
        self.context_menu.popup(self.view.viewport().mapToGlobal(pos))
