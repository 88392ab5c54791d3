"""Trim audio…: the dialog on a segment's take, driven as a user would (handles, spin boxes, Reset,
Trim silence, Preview, OK, Cancel, Undo), and what the row, the takes and the player show after."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from fakes import FakeKokoro
from narrator_app.core.rules import Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.trim import silence_trim
from narrator_app.ui.formatting import format_duration
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.segment_model import Column
from narrator_app.ui.trim_dialog import TrimDialog
from narrator_app.ui.trim_waveform import MIN_KEPT_S, Handle
from window_support import MakeWindow, window_maker


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> MakeWindow:  # type: ignore[no-untyped-def]
    return window_maker(qtbot, tmp_path / "data")


def render(qtbot, window: MainWindow, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    """Generate the segment's audio and wait until its row shows it."""
    controller = window.controller
    task_id = controller.generation.generate_audio(segment_id)
    assert isinstance(task_id, str), task_id
    qtbot.waitUntil(lambda: not controller.generation.task(task_id).status.is_active, timeout=180_000)
    info = controller.generation.task(task_id)
    assert info.status is TaskStatus.COMPLETED, info.message
    qtbot.waitUntil(lambda: window.model.record(segment_id).has_audio)  # type: ignore[union-attr]


def seconds_of(path: Path) -> float:
    """The file's length, decoded (not taken from the database)."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


def duration_cell(window: MainWindow, segment_id: int) -> str:
    row = window.model.row_of(segment_id)
    assert row is not None
    return str(window.model.index(row, Column.DURATION).data())


def trim_entry(window: MainWindow, segment_id: int):  # type: ignore[no-untyped-def]
    """Right-click the row and find "Trim audio…" in the context menu, as a user would."""
    row = window.model.row_of(segment_id)
    pos = window.table.visualRect(window.model.index(row, Column.TEXT)).center()
    window.table.customContextMenuRequested.emit(pos)
    menu = window.context_menu
    assert menu.isVisible()
    (action,) = [a for a in menu.actions() if a.text() == "&Trim audio…"]
    enabled = action.isEnabled()
    menu.close()
    return action, enabled


def open_dialog(qtbot, window: MainWindow, segment_id: int) -> TrimDialog:  # type: ignore[no-untyped-def]
    action, enabled = trim_entry(window, segment_id)
    assert enabled
    action.trigger()
    dialog: TrimDialog = window.trim_dialog  # type: ignore[attr-defined]
    assert dialog.isVisible()
    assert not dialog.silence_button.isEnabled()  # the audio is read on a worker, not here
    qtbot.waitUntil(lambda: dialog.silence_button.isEnabled(), timeout=10_000)  # the waveform was read
    return dialog


def drag(qtbot, dialog: TrimDialog, handle: Handle, to_seconds: float) -> None:  # type: ignore[no-untyped-def]
    waveform = dialog.waveform
    y = waveform.height() // 2
    start = QPoint(round(waveform.handle_x(handle)), y)
    target = QPoint(round(waveform.x_of(to_seconds)), y)
    QTest.mousePress(waveform, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(waveform, QPoint((start.x() + target.x()) // 2, y))
    QTest.mouseMove(waveform, target)
    QTest.mouseRelease(waveform, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)


def ok(dialog: TrimDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_entry_is_off_without_audio_and_on_with_it(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    record = c.segments.add("One. Two.")
    window.select_segment(record.id)
    assert trim_entry(window, record.id)[1] is False
    assert "Select one segment with audio" in window.trim_action.toolTip()
    render(qtbot, window, record.id)
    assert trim_entry(window, record.id)[1] is True


def test_handles_and_spin_boxes_then_ok_trims_the_take_and_the_row(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    record = c.segments.add(
        "One.Two.Three.Four."
    )  # no space after the stops: one sentence to Narrator, one 0.5 s tone per stop from the fake: 2.0 s
    render(qtbot, window, record.id)
    take_path = c.segments.audio_path(c.segments.get(record.id))  # type: ignore[arg-type]
    whole = seconds_of(take_path)  # type: ignore[arg-type]
    assert whole == pytest.approx(2.0, abs=0.01)
    assert duration_cell(window, record.id) == format_duration(whole)

    dialog = open_dialog(qtbot, window, record.id)
    assert dialog.waveform.duration == pytest.approx(whole, abs=0.01)
    assert dialog.waveform.cuts == (0.0, 0.0)
    drag(qtbot, dialog, Handle.START, 0.5)  # the start handle dragged half a second in
    start = dialog.waveform.cuts[0]
    assert start == pytest.approx(0.5, abs=0.03)
    assert dialog.start_spin.value() == pytest.approx(start, abs=0.001)  # kept in sync
    dialog.end_spin.setValue(0.25)  # typed into the spin box: the end handle follows
    assert dialog.waveform.cuts[1] == pytest.approx(0.25)
    assert dialog.waveform.handle_x(Handle.END) < dialog.waveform.width() - 8 - 1
    assert f"{whole - start - 0.25:.2f} s of {whole:.2f} s" in dialog.kept_label.text()
    dialog.waveform.setFocus()
    QTest.keyClick(dialog.waveform, Qt.Key.Key_E)
    QTest.keyClick(dialog.waveform, Qt.Key.Key_Left)  # the end handle 10 ms towards the start
    assert dialog.end_spin.value() == pytest.approx(0.26)
    ok(dialog)
    assert not dialog.isVisible()

    trims = c.takes.trims()
    assert trims[record.id] == pytest.approx((start, 0.26))
    segment = c.segments.get(record.id)
    assert c.takes.heard_duration(segment) == pytest.approx(whole - start - 0.26, abs=0.01)  # type: ignore[arg-type]
    assert duration_cell(window, record.id) == format_duration(whole - start - 0.26)
    assert seconds_of(take_path) == pytest.approx(whole)  # type: ignore[arg-type]  # the file is whole
    assert "trimmed" in window.statusBar().currentMessage()

    # Edit → Undo takes the trim back, Redo makes it again; the row follows.
    assert window.commands.undo.text().replace("&", "").startswith("Undo Trim take")
    window.commands.undo.trigger()
    assert c.takes.trims() == {}
    assert duration_cell(window, record.id) == format_duration(whole)
    window.commands.redo.trigger()
    assert c.takes.trims()[record.id] == pytest.approx((start, 0.26))

    # The dialog opens on the trim there is; Reset hears the whole take again.
    dialog = open_dialog(qtbot, window, record.id)
    assert dialog.waveform.cuts == pytest.approx((start, 0.26))
    assert dialog.start_spin.value() == pytest.approx(start, abs=0.001)
    dialog.reset_button.click()
    assert dialog.waveform.cuts == (0.0, 0.0) and dialog.end_spin.value() == 0.0
    ok(dialog)
    assert c.takes.trims() == {}
    assert duration_cell(window, record.id) == format_duration(whole)


def test_cancel_changes_nothing_and_a_handle_never_passes_the_other(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    record = c.segments.add("One. Two.")
    render(qtbot, window, record.id)
    assert not isinstance(c.takes.trim(record.id, 0.1, 0.2), Refusal)
    undo_label = c.edits.history.undo_label
    dialog = open_dialog(qtbot, window, record.id)
    duration = dialog.waveform.duration

    drag(qtbot, dialog, Handle.START, duration)  # dragged right past the end handle
    start, end = dialog.waveform.cuts
    assert end == pytest.approx(0.2)  # the other handle stays
    assert start == pytest.approx(duration - 0.2 - MIN_KEPT_S, abs=0.001)  # stops short of it
    assert dialog.start_spin.maximum() == pytest.approx(start, abs=0.001)
    dialog.end_spin.setValue(duration)  # more than there is: the spin box stops short too
    assert dialog.waveform.cuts[1] <= duration - start - MIN_KEPT_S + 1e-9
    assert sum(dialog.waveform.cuts) < duration

    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()
    assert c.takes.trims()[record.id] == pytest.approx((0.1, 0.2))
    assert c.edits.history.undo_label == undo_label  # no step recorded


def test_a_refused_trim_is_shown_in_the_dialog_which_stays_open(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    record = c.segments.add("One.")
    render(qtbot, window, record.id)
    dialog = open_dialog(qtbot, window, record.id)
    # The handles never allow it; the store is the last word (a take that lasts less than its
    # record said, say): set cuts the store refuses and press OK.
    dialog.waveform.set_duration(5.0)
    dialog.set_cuts(1.0, 1.0)
    ok(dialog)
    assert dialog.isVisible()
    assert "leaves nothing" in dialog.status.text()
    assert c.takes.trims() == {}


def test_trim_silence_and_preview_of_a_real_take(
    qtbot, make_window: MakeWindow, real_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(real_model_dir)
    c = window.controller
    record = c.segments.add("The lamp was lit at dusk.")
    render(qtbot, window, record.id)
    path = c.segments.audio_path(c.segments.get(record.id))  # type: ignore[arg-type]
    assert path is not None
    whole = seconds_of(path)
    c.takes.set_settings(5, 0.02)  # the project's margin (after the render: it is not auto-trimmed)
    expected = silence_trim(path, 0.02)  # computed here from the file itself
    assert expected != (0.0, 0.0), "Kokoro's audio starts and ends with some silence"

    dialog = open_dialog(qtbot, window, record.id)
    assert dialog.waveform.duration == pytest.approx(whole, abs=0.01)
    dialog.silence_button.click()
    assert dialog.waveform.cuts == pytest.approx(expected)
    assert "Silence cut" in dialog.status.text()

    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)
    dialog.set_cuts(0.5, 0.4)  # a span well inside the take: where playing starts and stops shows
    start, end = dialog.waveform.cuts
    with qtbot.waitSignal(window.player.finished, timeout=20_000):  # the kept part played to its end
        dialog.preview_button.click()
        assert dialog.status.text().startswith("Playing ")
        if window.player.output_problem():
            assert "cannot be heard" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.preview_button.text() == "&Preview")
    playing = [p for p in positions if p > 0]
    assert playing, "the player reported where it was"
    assert min(playing) >= round(start * 1000) - 1  # from the start handle
    assert max(playing) <= round((whole - end) * 1000) + 150  # stopped at the end handle

    dialog.silence_button.click()
    ok(dialog)
    assert c.takes.trims()[record.id] == pytest.approx(expected)
    heard = whole - sum(expected)
    assert duration_cell(window, record.id) == format_duration(heard)


def test_play_in_the_window_plays_only_the_trimmed_part(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    record = c.segments.add(
        "One.Two.Three."
    )  # no space after the stops: one sentence to Narrator, one 0.5 s tone per stop from the fake: 1.5 s
    render(qtbot, window, record.id)
    assert not isinstance(c.takes.trim(record.id, 0.5, 0.5), Refusal)
    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    window.select_segment(record.id)
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)
    with qtbot.waitSignal(window.player.finished, timeout=20_000):
        window.commands.play.trigger()
    playing = [p for p in positions if p > 0]
    assert playing and min(playing) >= 499
    assert max(playing) <= 1000 + 150  # stopped at the end of what is heard, not at 1.5 s
