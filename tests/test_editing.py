"""Reorder, duplicate, split at the cursor and merge segments."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fakes import FakeKokoro
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason
from support import MakeController, wait_for_tasks


def texts(c) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.text for s in c.segments.all()]


def test_move_duplicate_split_merge(qtbot, make_controller: MakeController, fake_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    a, b, d = (c.segments.add(t) for t in ("A.", "B. Second half.", "D."))
    assert not isinstance(c.segments.move(d.id, -1), Refusal)
    assert texts(c) == ["A.", "D.", "B. Second half."]
    assert c.segments.move(a.id, -5).position == 0  # clamped
    c.segments.move(a.id, +2)
    assert texts(c) == ["D.", "B. Second half.", "A."]
    assert [s.position for s in c.segments.all()] == [0, 1, 2]

    copy = c.segments.duplicate(d.id)
    assert texts(c) == ["D.", "D.", "B. Second half.", "A."] and copy.audio_file is None

    wait_for_tasks(qtbot, c, [c.generation.generate_audio(b.id)])
    first, second = c.segments.split(b.id, len("B."))
    assert (first.text, second.text) == ("B.", "Second half.")
    assert texts(c) == ["D.", "D.", "B.", "Second half.", "A."]
    assert c.generation.audio_status(c.segments.get(b.id))[0] is AudioStatus.OUTDATED  # its text changed
    assert c.segments.split(b.id, 0).reason is RefusalReason.INVALID

    merged = c.segments.merge_with_next(b.id)
    assert merged.text == "B.\nSecond half." and c.segments.get(second.id) is None
    assert texts(c) == ["D.", "D.", "B.\nSecond half.", "A."]
    last = c.segments.all()[-1]
    assert c.segments.merge_with_next(last.id).reason is RefusalReason.INVALID
    c.segments.update(last.id, locked=True)
    refused = c.segments.merge_with_next(b.id)
    assert refused.reason is RefusalReason.LOCKED and refused.segment_id == last.id
    assert c.segments.split(last.id, 1).reason is RefusalReason.LOCKED


def test_split_at_the_editor_cursor_and_move_with_shortcuts(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.main_window import MainWindow

    window = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    c = window.controller
    first = c.segments.add("One two. Three four.")
    c.segments.add("Last.")
    window.select_segment(first.id)
    window.editor.setFocus()
    cursor = window.editor.textCursor()
    cursor.setPosition(len("One two."))
    window.editor.setTextCursor(cursor)
    QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One two.", "Three four.", "Last."]
    new_id = window.current_id()
    assert c.segments.get(new_id).text == "Three four."  # the new segment is selected
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert texts(c) == ["One two.", "Last.", "Three four."]
    assert window.current_id() == new_id  # it stays selected where it went
    assert [window.model.index(r, 2).data() for r in range(3)] == ["One two.", "Last.", "Three four."]


def test_rows_are_reordered_by_drag_and_drop(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QModelIndex

    from narrator_app.ui.segment_model import Column, SegmentTableModel

    c = make_controller(fake_model_dir, FakeKokoro())
    for name in "ABCDE":
        c.segments.add(f"{name}.")
    model = SegmentTableModel(c)

    def drag(rows: list[int], to_row: int) -> None:
        mime = model.mimeData([model.index(r, Column.TEXT) for r in rows])
        assert model.dropMimeData(mime, Qt.DropAction.MoveAction, to_row, 0, QModelIndex()) is False

    drag([0], 3)  # A dropped between C and D
    assert texts(c) == ["B.", "C.", "A.", "D.", "E."]
    drag([3, 4], 0)  # D and E to the top, keeping their order
    assert texts(c) == ["D.", "E.", "B.", "C.", "A."]
    drag([1], -1)  # onto the empty space after the last row
    assert texts(c) == ["D.", "B.", "C.", "A.", "E."]
    assert [s.position for s in c.segments.all()] == [0, 1, 2, 3, 4]
    assert [model.index(r, Column.TEXT).data() for r in range(5)] == texts(c)
