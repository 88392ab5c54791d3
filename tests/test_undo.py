"""Undo and redo of every edit, with the audio of deleted segments kept until it cannot come back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.core.history import HISTORY_LIMIT
from narrator_app.core.rules import AudioStatus, Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.core.trash import TRASH_DIR
from support import MakeController, wait_for_tasks

State = list[tuple[int, str, bool]]


def state(c: Controller) -> State:
    return [(s.id, s.text, s.is_locked) for s in c.segments.all()]


def check_undo_redo(c: Controller, label: str, edit: Callable[[], object]) -> None:
    """Make the edit; undo must give back exactly the state before, redo exactly the state after."""
    before = state(c)
    edit()
    after = state(c)
    assert after != before
    assert c.edits.history.undo_label == label
    undone = c.edits.undo()
    assert not isinstance(undone, Refusal) and undone.label == label
    assert state(c) == before
    assert c.edits.history.redo_label == label
    redone = c.edits.redo()
    assert not isinstance(redone, Refusal)
    assert state(c) == after
    assert c.edits.history.undo_label == label and not c.edits.history.can_redo


def test_each_edit_is_undone_and_redone(make_controller: MakeController, fake_model_dir: Path) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    assert isinstance(c.edits.undo(), Refusal) and isinstance(c.edits.redo(), Refusal)
    assert c.edits.undo().message == "Nothing to undo."
    check_undo_redo(c, "Add segment", lambda: c.segments.add("First. Second."))
    first = c.segments.all()[0].id
    check_undo_redo(
        c, "Import chapter.md", lambda: c.segments.import_texts(["B.", "C.", "D."], source="chapter.md")
    )
    b, d = c.segments.all()[1].id, c.segments.all()[3].id
    check_undo_redo(c, "Edit text", lambda: c.segments.update(b, text="Bee."))
    check_undo_redo(c, "Lock segment", lambda: c.segments.update(b, locked=True))
    check_undo_redo(c, "Unlock segment", lambda: c.segments.update(b, locked=False))
    check_undo_redo(c, "Move segment", lambda: c.segments.move(d, -3))
    check_undo_redo(c, "Split segment", lambda: c.segments.split(first, len("First.")))
    check_undo_redo(c, "Merge segments", lambda: c.segments.merge_with_next(first))
    check_undo_redo(c, "Duplicate segment", lambda: c.segments.duplicate(b))
    check_undo_redo(c, "Delete segment", lambda: c.segments.delete(b))

    def delete_two() -> None:
        with c.edits.group("Delete 2 segments"):
            for segment in c.segments.all()[:2]:
                c.segments.delete(segment.id)

    check_undo_redo(c, "Delete 2 segments", delete_two)
    # Everything back to the start, step by step, then forward again to the end.
    end = state(c)
    steps = 0
    while c.edits.history.can_undo:
        assert not isinstance(c.edits.undo(), Refusal)
        steps += 1
    assert state(c) == [] and steps == 11
    while c.edits.history.can_redo:
        c.edits.redo()
    assert state(c) == end
    assert [s.position for s in c.segments.all()] == list(range(len(end)))


def test_a_refused_edit_is_no_step_and_a_new_edit_ends_redo(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    a = c.segments.add("A.", locked=True)
    assert isinstance(c.segments.delete(a.id), Refusal)
    assert isinstance(c.segments.update(a.id, text="Changed"), Refusal)
    assert isinstance(c.segments.merge_with_next(a.id), Refusal)
    assert c.edits.history.undo_label == "Add segment"
    c.segments.move(a.id, +1)  # already the last: nothing moved, nothing recorded
    assert c.edits.history.undo_label == "Add segment"
    c.edits.undo()
    assert c.edits.history.can_redo
    c.segments.add("B.")
    assert not c.edits.history.can_redo and c.edits.history.undo_label == "Add segment"


def test_typing_in_one_segment_is_one_step(make_controller: MakeController, fake_model_dir: Path) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    a = c.segments.add("Hello")
    b = c.segments.add("Other")
    for text in ("Hello w", "Hello wor", "Hello world."):
        c.segments.update(a.id, text=text, typing=True)
    c.segments.update(b.id, text="Other text", typing=True)
    c.segments.update(a.id, text="Hello world!", typing=True)  # another segment in between: a new step
    c.edits.undo()
    assert c.segments.get(a.id).text == "Hello world."
    c.edits.undo()
    assert c.segments.get(b.id).text == "Other"
    c.edits.undo()
    assert c.segments.get(a.id).text == "Hello"
    assert c.edits.history.undo_label == "Add segment"
    c.segments.update(b.id, text="Other!", typing=True)
    c.segments.update(b.id, text="Other", typing=True)  # typed back to where it began: no step
    assert c.edits.history.undo_label == "Add segment"


def test_undoing_a_delete_brings_the_audio_back(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(real_model_dir)
    kept = c.segments.add("The lighthouse keeper climbed the stairs.")
    other = c.segments.add("Night fell.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(kept.id)])
    record = c.segments.get(kept.id)
    audio = c.segments.audio_path(record)
    assert audio is not None and audio.is_file()
    content, duration = audio.read_bytes(), record.audio_duration
    assert duration == pytest.approx(sf.info(str(audio)).duration)

    c.segments.delete(kept.id)
    assert not audio.exists() and c.segments.get(kept.id) is None
    assert c.edits.history.undo_label == "Delete segment"
    c.edits.undo()
    back = c.segments.get(kept.id)  # the same id, place, text and audio
    assert back is not None and back.position == 0 and back.text == record.text
    assert back.audio_file == record.audio_file and back.audio_duration == duration
    assert audio.read_bytes() == content
    assert c.generation.audio_status(back)[0] is AudioStatus.READY
    c.edits.redo()
    assert not audio.exists()
    c.edits.undo()
    assert audio.read_bytes() == content

    # Undoing the split of a generated segment makes its audio current again (same text).
    c.segments.split(kept.id, len("The lighthouse keeper"))
    assert c.generation.audio_status(c.segments.get(kept.id))[0] is AudioStatus.OUTDATED
    c.edits.undo()
    assert c.generation.audio_status(c.segments.get(kept.id))[0] is AudioStatus.READY

    # Merge deletes the next segment; undo brings it back with its audio.
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(other.id)])
    other_audio = c.segments.audio_path(c.segments.get(other.id))
    c.segments.merge_with_next(kept.id)
    assert not other_audio.exists()
    c.edits.undo()
    assert other_audio.is_file() and c.segments.get(other.id).audio_file is not None


def test_kept_audio_goes_when_it_can_no_longer_come_back(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    added = c.segments.add("Added, generated, then its add undone.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(added.id)])
    audio = c.segments.audio_path(c.segments.get(added.id))
    c.edits.undo()  # the add: the row and its audio go, but redo would bring them back
    assert c.segments.get(added.id) is None and not audio.exists()
    kept = list(c.edits.trash.folder.iterdir())
    take = 1  # the first take of a new database: a take's file is kept under its take's id
    assert [p.name for p in kept] == [f"segment_{added.id}_take{take}.wav"]
    c.edits.redo()
    assert audio.is_file() and c.segments.get(added.id).audio_duration is not None
    c.edits.undo()
    c.segments.add("A new edit: the undone add can no longer be redone.")
    assert list(c.edits.trash.folder.iterdir()) == []

    doomed = c.segments.add("Deleted while the app runs.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(doomed.id)])
    c.segments.delete(doomed.id)
    assert len(list(c.edits.trash.folder.iterdir())) == 1
    c.shutdown()  # the history ends with the app: nothing is left behind
    assert not (c.data_dir / TRASH_DIR).exists()
    assert sorted(p.name for p in (c.data_dir / "audio" / str(c.project.id)).iterdir()) == []


def test_audio_kept_by_a_crashed_run_is_removed_at_the_next_start(
    qapp, tmp_path: Path, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    left = tmp_path / "data" / TRASH_DIR
    left.mkdir(parents=True)
    (left / "segment_99.wav").write_bytes(b"its history died with the crashed process")
    c = Controller(tmp_path / "data", fake_model_dir)  # holds the folder alone (datalock.py)
    try:
        assert not left.exists()
    finally:
        c.shutdown()


def test_undo_after_a_change_outside_the_history_is_refused(
    qapp, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    a = c.segments.add("A.")
    c.segments.update(a.id, text="A changed.")
    c.repository.add_segment(c.project.id, "Written to the store without the controller.")
    before = state(c)
    refused = c.edits.undo()
    assert isinstance(refused, Refusal)
    assert "no longer as that edit left it" in refused.message and "Edit text" in refused.message
    assert state(c) == before and not c.edits.history.can_undo


def test_each_project_has_its_own_history(make_controller: MakeController, fake_model_dir: Path) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("In the default project.")
    book = c.projects.create("Book")
    c.projects.open("Book")
    assert not c.edits.history.can_undo
    c.segments.add("In the book.")
    c.projects.open("Default")
    assert c.edits.history.undo_label == "Add segment"
    c.edits.undo()
    assert c.segments.all() == []
    c.projects.open("Book")
    assert [s.text for s in c.segments.all()] == ["In the book."]
    c.edits.undo()
    assert c.segments.all() == [] and c.edits.history.redo_label == "Add segment"
    c.projects.delete(book.id)
    assert not c.edits.of(book.id).can_redo


def test_undo_ends_the_generation_of_a_segment_it_removes(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    fake = FakeKokoro()
    fake.hold()
    c = make_controller(fake_model_dir, fake)
    added = c.segments.add("One. Two. Three.")
    task = c.generation.generate_audio(added.id)
    qtbot.waitUntil(lambda: c.generation.task(task).status is TaskStatus.RUNNING)
    c.edits.undo()
    assert c.generation.task(task).status is TaskStatus.CANCELLED
    fake.release()
    wait_for_tasks(qtbot, c, [task])
    assert c.segments.get(added.id) is None
    assert not (c.data_dir / "audio" / str(c.project.id) / f"segment_{added.id}.wav").exists()
    c.edits.redo()
    assert c.segments.get(added.id).audio_file is None  # back without audio: none was made


@pytest.fixture
def window(qtbot, make_controller: MakeController, fake_model_dir: Path):  # type: ignore[no-untyped-def]
    from narrator_app.ui.main_window import MainWindow

    w = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    w.confirm_delete = lambda count: True
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()  # window shortcuts need the active window
    qtbot.waitUntil(w.isActiveWindow)
    return w


def texts(c: Controller) -> list[str]:
    return [s.text for s in c.segments.all()]


def test_the_edit_menu_says_what_ctrl_z_undoes(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    c, a = window.controller, window.commands
    (edit_menu,) = [m.menu() for m in window.menuBar().actions() if m.text() == "&Edit"]
    assert edit_menu.actions()[:2] == [a.undo, a.redo]
    assert a.undo.shortcut() == QKeySequence("Ctrl+Z") and a.redo.shortcut() == QKeySequence("Ctrl+Shift+Z")
    assert not a.undo.isEnabled() and a.undo.text() == "&Undo"
    for text in ("One.", "Two.", "Three."):
        c.segments.add(text)
    assert a.undo.isEnabled() and a.undo.text() == "&Undo Add segment"

    # Two rows selected and deleted: one step, undone with Ctrl+Z in the table.
    flags = QItemSelectionModel.SelectionFlag
    window.select_segment(c.segments.all()[0].id)
    window.table.selectionModel().select(window.model.index(1, 0), flags.Select | flags.Rows)
    window.table.setFocus()
    a.delete.trigger()
    assert texts(c) == ["Three."]
    assert a.undo.text() == "&Undo Delete 2 segments"
    QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One.", "Two.", "Three."]
    assert a.redo.text() == "&Redo Delete 2 segments" and a.redo.isEnabled()
    assert window.current_id() == c.segments.all()[0].id  # the rows that came back are selected
    QTest.keyClick(
        window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert texts(c) == ["Three."]
    assert "Redone: Delete 2 segments." in window.statusBar().currentMessage()

    # Locking two rows is one step too.
    a.undo.trigger()
    window.select_segment(c.segments.all()[0].id)
    window.table.selectionModel().select(window.model.index(2, 0), flags.Select | flags.Rows)
    a.lock.trigger()
    assert [s.is_locked for s in c.segments.all()] == [True, False, True]
    assert a.undo.text() == "&Undo Lock 2 segments"
    selected = window.selected_ids()
    a.undo.trigger()
    assert [s.is_locked for s in c.segments.all()] == [False, False, False]
    assert window.selected_ids() == selected and a.lock.text() == "&Lock"  # rows stay selected


def test_ctrl_z_in_the_editor_undoes_typing_then_the_split(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    c = window.controller
    first = c.segments.add("One two. Three four.")
    window.select_segment(first.id)
    window.editor.setFocus()
    cursor = window.editor.textCursor()
    cursor.setPosition(len("One two."))
    window.editor.setTextCursor(cursor)
    QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One two.", "Three four."]
    assert window.editor.hasFocus()
    # The editor has nothing typed to undo: Ctrl+Z goes to the window and undoes the split.
    QTest.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One two. Three four."]
    assert window.current_id() == first.id and window.editor.hasFocus()
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window.editor, Qt.Key.Key_Z, shift_ctrl)  # and Redo the same way
    assert texts(c) == ["One two.", "Three four."]
    QTest.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One two. Three four."]

    # Typing is undone in the editor first, then (once saved) as one step of the project.
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(window.editor, " Five")
    QTest.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == "One two. Three four."  # the editor's own undo
    QTest.keyClicks(window.editor, " six")
    window.table.setFocus()  # leaving the editor saves the text
    assert texts(c)[0].endswith("six")
    assert window.commands.undo.text() == "&Undo Edit text"
    QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert texts(c) == ["One two. Three four."]
    assert window.editor.toPlainText() == "One two. Three four."


def test_dragging_rows_is_one_step(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QModelIndex, Qt

    c = window.controller
    for name in "ABCD":
        c.segments.add(f"{name}.")
    model = window.model
    mime = model.mimeData([model.index(r, 0) for r in (2, 3)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert texts(c) == ["C.", "D.", "A.", "B."]
    assert window.commands.undo.text() == "&Undo Move segments"
    window.commands.undo.trigger()
    assert texts(c) == ["A.", "B.", "C.", "D."]
    assert [model.index(r, 2).data() for r in range(4)] == ["A.", "B.", "C.", "D."]
    assert window.current_id() == c.segments.all()[2].id  # the first of the rows moved back
    window.commands.redo.trigger()
    assert texts(c) == ["C.", "D.", "A.", "B."] and window.current_id() == c.segments.all()[0].id


def test_undo_that_locks_a_segment_ends_its_generation(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    fake = FakeKokoro()
    fake.hold()
    c = make_controller(fake_model_dir, fake)
    segment = c.segments.add("One. Two.", locked=True)
    c.segments.update(segment.id, locked=False)
    task = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(task).status is TaskStatus.RUNNING)
    assert c.edits.undo().label == "Unlock segment"
    assert c.segments.get(segment.id).is_locked and c.generation.task(task).status is TaskStatus.CANCELLED
    fake.release()
    wait_for_tasks(qtbot, c, [task])
    assert c.segments.get(segment.id).audio_file is None


def test_the_history_keeps_a_limited_number_of_steps() -> None:
    from narrator_app.core.history import History, diff

    history = History(limit=3)
    state: list[tuple[int, str, bool, int]] = []
    for n in range(5):
        new = [*state, (n, f"Segment {n}.", False, 1)]
        edit = diff(f"Add {n}", 1, state, new, deleted={})
        assert edit is not None
        history.record(edit)
        state = new
    assert history.undo_label == "Add 4" and history.segment_ids() == {2, 3, 4}
    assert diff("Nothing", 1, state, list(state), deleted={}) is None
    for label in ("Add 4", "Add 3", "Add 2"):
        edit = history.next(undo=True)
        assert edit is not None and edit.label == label
        step = edit.step(undo=True)
        assert step.remove == (edit.order_after[-1],) and step.restore == () and step.update == ()
        assert not step.conflict(state) and step.conflict(state[:-1])
        state = state[:-1]
        history.moved(undo=True)
    assert not history.can_undo and history.redo_label == "Add 2"


def test_undoing_a_large_import_and_deleting_it_again(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("Before the book.")
    check_undo_redo(
        c, "Import book.txt", lambda: c.segments.import_texts([f"Line {n}." for n in range(1200)], "book.txt")
    )
    assert len(c.segments.all()) == 1201

    def delete_most() -> None:
        with c.edits.group("Delete 700 segments"):
            for segment in c.segments.all()[1:701]:
                c.segments.delete(segment.id)

    check_undo_redo(c, "Delete 700 segments", delete_most)
    assert [s.text for s in c.segments.all()][:2] == ["Before the book.", "Line 700."]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_undos_and_redos_keep_to_the_states_seen(
    make_controller: MakeController, fake_model_dir: Path, seed: int
) -> None:
    """Against a model: after any mix of edits, undos and redos the project is exactly the state
    it was in at that point of the history (the histories' states kept here as plain lists)."""
    import random

    rng = random.Random(seed)
    c = make_controller(fake_model_dir, FakeKokoro())
    done: list[State] = [state(c)]  # done[-1] is now; undoing goes back one
    undone: list[State] = []
    typed: list[int] = []
    merges = 0

    def pick() -> int | None:
        segments = c.segments.all()
        return rng.choice(segments).id if segments else None

    def edit() -> None:
        target = pick()
        kind = rng.choice(["add", "import", "text", "lock", "delete", "move", "split", "merge", "dup", "two"])
        if typed and c.segments.get(typed[-1]) is not None and rng.random() < 0.3:
            kind = "text"  # often go on typing
        if kind == "add" or target is None:
            c.segments.add(f"Added {rng.randint(0, 999)}. More.", locked=rng.random() < 0.2)
        elif kind == "import":
            c.segments.import_texts(
                [f"Imported {n}. Words." for n in range(rng.randint(1, 4))], source="f.txt"
            )
        elif kind == "text":
            if typed and c.segments.get(typed[-1]) is not None and rng.random() < 0.6:
                target = typed[-1]  # typing on in the same segment
            typed.append(target)
            c.segments.update(target, text=f"Typed {rng.randint(0, 999)}. Text.", typing=rng.random() < 0.8)
        elif kind == "lock":
            c.segments.update(target, locked=not c.segments.get(target).is_locked)
        elif kind == "delete":
            c.segments.delete(target)
        elif kind == "move":
            c.segments.move(target, rng.randint(-3, 3))
        elif kind == "split":
            c.segments.split(target, rng.randint(0, len(c.segments.get(target).text)))
        elif kind == "merge":
            c.segments.merge_with_next(target)
        elif kind == "dup":
            c.segments.duplicate(target)
        else:
            with c.edits.group("Delete 2 segments"):
                for segment in c.segments.all()[:2]:
                    c.segments.delete(segment.id)

    for _ in range(150):
        roll = rng.random()
        if roll < 0.6:
            steps = c.edits.history.undo_count
            edit()
            now = state(c)
            assert c.edits.history.undo_count < HISTORY_LIMIT
            if c.edits.history.undo_count == steps + 1:
                done.append(now)  # a new step
            elif c.edits.history.undo_count == steps and now != done[-1]:
                done[-1] = now  # typing in the same segment extended the last step
                merges += 1
            elif c.edits.history.undo_count == steps - 1:
                done.pop()  # typed back to where that typing began: no step at all
                assert now == done[-1]
            else:
                assert c.edits.history.undo_count == steps and now == done[-1]  # refused: nothing done
                continue
            undone.clear()
            assert not c.edits.history.can_redo
        elif roll < 0.85 and c.edits.history.can_undo:
            assert not isinstance(c.edits.undo(), Refusal)
            undone.append(done.pop())
            assert state(c) == done[-1]
        elif c.edits.history.can_redo:
            assert not isinstance(c.edits.redo(), Refusal)
            done.append(undone.pop())
            assert state(c) == done[-1]
    while c.edits.history.can_undo:
        c.edits.undo()
        undone.append(done.pop())
        assert state(c) == done[-1]
    assert done == [[]] and merges > 0
    while c.edits.history.can_redo:
        c.edits.redo()
        done.append(undone.pop())
        assert state(c) == done[-1]
    assert [s.position for s in c.segments.all()] == list(range(len(c.segments.all())))
