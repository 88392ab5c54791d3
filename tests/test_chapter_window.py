"""Chapters in the window: the chapter list and its actions, book import with the chapter picker,
and Book details."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from book_fixtures import ebooklib_epub
from fakes import FakeKokoro
from narrator_app.core.books import Book, read_book
from narrator_app.ui.book_details import BookDetailsDialog
from narrator_app.ui.chapter_model import CHAPTER_ID_ROLE
from narrator_app.ui.chapter_picker import ChapterPicker
from narrator_app.ui.main_window import MainWindow
from support import wait_for_tasks


def _epub(tmp_path: Path) -> Path:
    return ebooklib_epub(
        tmp_path / "novel.epub",
        [
            ("Chapter One", "<h1>Chapter One</h1><p>It was a dark night.</p><p>The wind blew.</p>"),
            ("Chapter Two", "<h1>Chapter Two</h1><p>Morning came.</p>"),
            ("Chapter Three", "<h1>Chapter Three</h1><p>The end.</p>"),
        ],
        nav=True,
        title="A Novel",
    )


@pytest.fixture
def window(qtbot, make_controller, fake_model_dir: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    qtbot.addWidget(w)
    w.show()
    yield w


def rows(window: MainWindow) -> list[str]:
    model = window.chapter_panel.model
    return [model.index(n).data() for n in range(model.rowCount())]


def titles(window: MainWindow) -> list[str]:
    model = window.chapter_panel.model
    return [model.index(n).data(Qt.ItemDataRole.EditRole) for n in range(model.rowCount())]


def test_the_chapter_model_shows_each_chapters_status_and_passes_the_model_tester(
    qtmodeltester, qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    c = window.controller
    (default,) = c.chapters.all()
    other = c.chapters.add("Other")
    c.segments.add("In the first.", chapter_id=default.id)
    mine = [c.segments.add(f"Other {n}.", chapter_id=other.id) for n in range(3)]
    qtmodeltester.check(window.chapter_panel.model)
    assert rows(window) == [f"{default.title}\n0/1 ready · 1 missing", "Other\n0/3 ready · 3 missing"]
    task = c.generation.generate_audio(mine[0].id)
    wait_for_tasks(qtbot, c, [task])
    # segment_changed re-reads the list after a short delay (throttled)
    qtbot.waitUntil(lambda: rows(window)[1].startswith("Other\n1/3 ready · 2 missing · 0:"))
    index = window.chapter_panel.model.index(1)
    assert index.data(CHAPTER_ID_ROLE) == other.id
    qtmodeltester.check(window.chapter_panel.model)


def test_add_rename_move_delete_through_the_actions_and_undo(window: MainWindow) -> None:
    c = window.controller
    panel = window.chapter_panel
    a = panel.actions
    (default,) = c.chapters.all()
    c.segments.add("Stays.", chapter_id=default.id)
    answers = iter(["Prologue", "  The   Beginning "])
    panel.ask_title = lambda caption, text: next(answers)
    a.add.trigger()  # after the current (only) chapter
    assert titles(window) == [default.title, "Prologue"]
    assert panel.current_chapter() == c.chapters.all()[1].id
    a.rename.trigger()
    assert titles(window) == [default.title, "The Beginning"]
    a.move_up.trigger()
    assert titles(window) == ["The Beginning", default.title]
    assert not a.move_up.isEnabled() and a.move_down.isEnabled()
    beginning = c.chapters.all()[0].id
    for n in range(2):
        c.segments.add(f"Line {n}.", chapter_id=beginning)
    asked: list[tuple[str, int]] = []
    panel.confirm_delete = lambda title, n: asked.append((title, n)) is None and False
    a.delete.trigger()
    assert asked == [("The Beginning", 2)] and len(c.chapters.all()) == 2  # said no: nothing deleted
    panel.confirm_delete = lambda title, n: True
    a.delete.trigger()
    assert titles(window) == [default.title]
    assert [s.text for s in c.segments.all()] == ["Stays."]
    assert not a.delete.isEnabled()  # a project keeps one chapter
    window.commands.undo.trigger()  # Edit → Undo
    assert titles(window) == ["The Beginning", default.title]
    assert [s.text for s in c.segments.all()] == ["Line 0.", "Line 1.", "Stays."]
    window.commands.undo.trigger()  # the two segments added, one step each
    window.commands.undo.trigger()
    window.commands.undo.trigger()  # the move
    assert titles(window) == [default.title, "The Beginning"]
    window.commands.undo.trigger()  # the rename
    assert titles(window) == [default.title, "Prologue"]
    window.commands.undo.trigger()  # the add
    assert titles(window) == [default.title]


def test_inline_rename_and_a_refused_title(window: MainWindow) -> None:
    model = window.chapter_panel.model
    assert model.setData(model.index(0), "Part One")
    assert titles(window) == ["Part One"]
    assert not model.setData(model.index(0), "   ")
    assert "needs a title" in window.message_bar.text and titles(window) == ["Part One"]


def test_selecting_a_chapter_selects_its_first_segment_and_moving_segments(window: MainWindow) -> None:
    c = window.controller
    panel = window.chapter_panel
    (default,) = c.chapters.all()
    other = c.chapters.add("Other")
    first = c.segments.add("First.", chapter_id=default.id)
    second = c.segments.add("Second.", chapter_id=default.id)
    theirs = c.segments.add("Theirs.", chapter_id=other.id)
    panel.view.setCurrentIndex(panel.model.index(1))
    assert window.selected_ids() == [theirs.id]
    window.select_segment(first.id)  # the list follows the table
    assert panel.current_chapter() == default.id
    window.select_segment(second.id)
    offered: list[list[tuple[int, str]]] = []
    panel.ask_chapter = lambda choices: offered.append(choices) or other.id
    panel.actions.move_segments.trigger()
    assert offered == [[(default.id, default.title), (other.id, "Other")]]
    assert [(s.text, s.chapter_id) for s in c.segments.all()] == [
        ("First.", default.id),
        ("Theirs.", other.id),
        ("Second.", other.id),
    ]
    assert panel.model.status(other.id).segments == 2
    assert c.edits.history.undo_label == "Move to chapter"


def test_generate_chapter_queues_only_its_segments(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    c = window.controller
    panel = window.chapter_panel
    (default,) = c.chapters.all()
    other = c.chapters.add("Other")
    outside = c.segments.add("Outside.", chapter_id=default.id)
    mine = [c.segments.add(f"Mine {n}.", chapter_id=other.id) for n in range(2)]
    panel.select_chapter(other.id)
    panel.actions.generate.trigger()
    active = [t for s in mine if (t := c.tasks.active_for(s.id)) is not None]
    assert len(active) == 2 and c.tasks.active_for(outside.id) is None
    wait_for_tasks(qtbot, c, [t.task_id for t in active])
    assert all(c.segments.get(s.id).audio_file for s in mine)
    assert c.segments.get(outside.id).audio_file is None
    qtbot.waitUntil(lambda: panel.model.status(other.id).ready == 2)


def _answer_picker(ticked: set[int] | None, seen: list[ChapterPicker]) -> None:
    """When the chapter picker opens, tick `ticked` (None: Cancel) and close it."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ChapterPicker):  # still being read
            QTimer.singleShot(10, act)
            return
        seen.append(dialog)
        if ticked is None:
            dialog.reject()
            return
        dialog.set_ticked(ticked)
        dialog.accept()

    QTimer.singleShot(0, act)


def test_importing_an_epub_picks_two_of_three_chapters(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = window.controller
    path = _epub(tmp_path)
    book = read_book(path)
    story = [n for n, ch in enumerate(book.chapters) if not ch.front_matter]
    assert [book.chapters[n].title for n in story] == ["Chapter One", "Chapter Two", "Chapter Three"]
    seen: list[ChapterPicker] = []
    offered: list[list[int]] = []

    def pick_one_and_three() -> None:
        def act() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, ChapterPicker):
                QTimer.singleShot(10, act)
                return
            seen.append(dialog)
            offered.append(dialog.picked())
            dialog.set_ticked({story[0], story[2]})
            dialog.accept()

        QTimer.singleShot(0, act)

    pick_one_and_three()
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: len(c.chapters.all()) == 2)  # the book's two, in place of the empty first
    picker = seen[0]
    assert offered == [story]  # front matter (the nav document) unticked, the story ticked
    heading = picker.findChild(type(picker.summary), "bookHeading")
    assert heading.text() == "A Novel by Bea Author"
    item = picker.tree.topLevelItem(story[0])
    assert (item.text(0), item.text(1), item.text(2)) == (
        "Chapter One",
        "8",
        "It was a dark night. The wind blew.",
    )
    assert titles(window) == ["Chapter One", "Chapter Three"]
    assert [s.text for s in c.segments.all()] == [
        "Chapter One",
        "It was a dark night.",
        "The wind blew.",
        "Chapter Three",
        "The end.",
    ]
    assert c.chapters.book_details().title == "A Novel"
    assert window.model.rowCount() == 5
    assert c.edits.history.undo_label == "Import novel.epub"
    window.commands.undo.trigger()
    assert c.segments.all() == [] and len(c.chapters.all()) == 1

    _answer_picker(None, seen)  # the user cancels the picker: nothing added
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert c.segments.all() == [] and len(c.chapters.all()) == 1


def test_cancelling_a_read_adds_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _epub(tmp_path)
    books = window.transfers.books
    reading = threading.Event()
    release = threading.Event()

    def slow_read(p: Path, should_cancel, on_progress) -> Book:  # type: ignore[no-untyped-def]
        on_progress(0.5)
        reading.set()
        release.wait(30)  # until the test has pressed Cancel
        return read_book(p, should_cancel=should_cancel, on_progress=on_progress)

    books.read = slow_read
    picked: list[str] = []
    books.pick = lambda name, book, limit: picked.append(name) or ([0], limit)
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: books.progress.value() == 50)
    assert books.busy
    qtbot.waitUntil(books.progress.isVisible)  # shown once the read takes longer than 0.4 s
    (button,) = books.progress.findChildren(QPushButton)
    assert button.text() == "Cancel"
    button.click()
    release.set()
    qtbot.waitUntil(lambda: not books.busy)
    assert "cancelled" in window.statusBar().currentMessage()
    assert picked == [] and window.controller.segments.all() == []
    assert len(window.controller.chapters.all()) == 1


def test_a_damaged_book_shows_its_message_and_adds_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "broken.epub"
    damaged.write_bytes(_epub(tmp_path).read_bytes()[:400])
    window.transfers.import_files([damaged])
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and "broken.epub" in window.message_bar.text)
    assert window.controller.segments.all() == [] and len(window.controller.chapters.all()) == 1


def test_markdown_headings_come_in_as_chapters(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tale.md"
    path.write_text("# First\n\nOne.\n\n# Second\n\nTwo.\n", encoding="utf-8")
    window.transfers.books.pick = lambda name, book, limit: (list(range(len(book.chapters))), limit)
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: len(window.controller.chapters.all()) == 2)
    assert titles(window) == ["First", "Second"]


def test_book_details_are_stored(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    c = window.controller

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, BookDetailsDialog):
            QTimer.singleShot(10, fill)
            return
        dialog.fields["title"].setText("  The Lighthouse ")
        dialog.fields["author"].setText("Mara Keeper")
        dialog.fields["narrator"].setText("Kokoro")
        dialog.fields["year"].setText("1908")
        dialog.description.setPlainText("A storm, a lamp.")
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.chapter_panel.actions.book_details.trigger()
    details = c.chapters.book_details()
    assert (details.title, details.author, details.narrator, details.year, details.description) == (
        "The Lighthouse",
        "Mara Keeper",
        "Kokoro",
        "1908",
        "A storm, a lamp.",
    )
    file_menu = window.menuBar().actions()[0].menu()
    assert window.chapter_panel.actions.book_details in file_menu.actions()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[-2:] == ["&Chapters", "&Help"]
