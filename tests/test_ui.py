"""The window, driven as a user would: select, right-click, Generate audio, wait, play."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSplitter

from fakes import FakeKokoro
from narrator_app.core.rules import Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.ui import build_main_window
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.segment_model import Column
from narrator_app.ui.settings_dialog import SettingsDialog
from window_support import MakeWindow, cell, window_maker


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> MakeWindow:  # type: ignore[no-untyped-def]
    return window_maker(qtbot, tmp_path / "data")


def context_menu_action(window: MainWindow, segment_id: int, text: str):  # type: ignore[no-untyped-def]
    """Right-click the segment's row and find the menu entry, as a user would."""
    row = window.model.row_of(segment_id)
    pos = window.table.visualRect(window.model.index(row, Column.TEXT)).center()
    window.table.customContextMenuRequested.emit(pos)
    menu = window.context_menu
    assert menu.isVisible()
    (action,) = [a for a in menu.actions() if a.text() == text]
    menu.close()
    return action


def test_the_model_passes_qt_model_tester(
    qtmodeltester, make_window: MakeWindow, fake_model_dir: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    c.segments.add("One.")
    c.segments.add("", locked=False)
    c.segments.add("Three.", locked=True)
    qtmodeltester.check(window.model)
    assert window.model.rowCount() == 3
    assert window.model.rowCount(window.model.index(0, 0)) == 0


def test_one_generate_action_is_shared_by_menu_toolbar_context_menu_and_shortcut(
    make_window: MakeWindow, fake_model_dir: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    segment = window.controller.segments.add("Hello.")
    window.select_segment(segment.id)
    action = window.commands.generate
    assert action.text() == "Generate audio"
    assert action.shortcut().toString() == "Ctrl+G"
    assert context_menu_action(window, segment.id, "Generate audio") is action
    toolbar = window.findChild(type(window.addToolBar("x")), "mainToolBar")
    assert action in toolbar.actions()
    audio_menu = [m for m in window.menuBar().actions() if m.text() == "&Audio"][0].menu()
    assert action in audio_menu.actions()


def test_right_click_generate_with_the_real_model_then_play(
    qtbot, make_window: MakeWindow, real_model_dir: Path
) -> None:
    window = make_window(real_model_dir)
    segment = window.controller.segments.add("Good morning. This is a preview of the narration.")
    other = window.controller.segments.add("A second segment that stays as it is.")
    window.select_segment(segment.id)
    seen: list[str] = []
    window.model.dataChanged.connect(lambda *_: seen.append(str(cell(window, segment.id, Column.STATUS))))

    action = context_menu_action(window, segment.id, "Generate audio")
    action.trigger()
    # The click returns at once: the row shows the task waiting or running, not done.
    assert cell(window, segment.id, Column.STATUS) in ("Queued", "Generating…")

    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Ready", timeout=60_000)
    record = window.controller.segments.get(segment.id)
    duration_text = cell(window, segment.id, Column.DURATION)
    assert duration_text and duration_text.startswith("0:0") and "." in duration_text
    assert abs(float(duration_text.split(":")[1]) - record.audio_duration) <= 0.05
    generating = [i for i, status in enumerate(seen) if status.startswith("Generating")]
    assert generating and generating[0] < seen.index("Ready")
    assert cell(window, other.id, Column.STATUS) == "No audio"  # only that row changed
    assert "ready" in window.statusBar().currentMessage()

    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    window.activateWindow()  # the context menu popup took activation; shortcuts need it back
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.player.is_playing, timeout=10_000)
    qtbot.waitUntil(lambda: window.player.position_ms > 0, timeout=10_000)
    first = window.player.position_ms
    qtbot.waitUntil(lambda: window.player.position_ms > first + 200, timeout=10_000)
    assert "▶ Segment 1" in window.player_label.text()
    window.commands.stop.trigger()
    qtbot.waitUntil(lambda: not window.player.is_playing)


def test_fake_generation_goes_queued_generating_ready(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("One. Two.")
    blocker = window.controller.segments.add("Before it.")
    fake_kokoro.hold()
    window.select_segment(blocker.id)
    window.commands.generate.trigger()
    window.select_segment(segment.id)
    QTest.keyClick(window.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert cell(window, segment.id, Column.STATUS) == "Queued"  # waits behind the first job
    qtbot.waitUntil(lambda: cell(window, blocker.id, Column.STATUS) == "Generating…")
    fake_kokoro.release()
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Ready", timeout=10_000)
    assert cell(window, segment.id, Column.DURATION) == "0:01.2"  # two 0.5 s tones, a 0.25 s pause


@pytest.mark.parametrize(
    ("text", "locked", "model", "expected"),
    [
        ("   ", False, True, "Segment 2 has no text to generate audio from."),
        ("Words.", True, True, "unlock it first"),
        ("Words.", False, False, "pip install 'narrator-app[model]'"),
    ],
)
def test_refusals_show_in_the_window_without_a_dialog(
    make_window: MakeWindow,
    fake_model_dir: Path,
    tmp_path: Path,
    text: str,
    locked: bool,
    model: bool,
    expected: str,
) -> None:
    model_dir = fake_model_dir if model else tmp_path / "no-model"
    model_dir.mkdir(exist_ok=True)
    window = make_window(model_dir, FakeKokoro())
    window.controller.segments.add("First.")
    segment = window.controller.segments.add(text, locked=locked)
    window.message_bar.hide()
    window.select_segment(segment.id)
    if locked:  # nothing to generate: the action is off and says why; asked anyway, it refuses
        assert not window.commands.generate.isEnabled()
        assert "unlock them to generate" in window.commands.generate.toolTip()
        window.generate_selected()
    else:
        window.commands.generate.trigger()
    assert window.message_bar.isVisible()
    assert expected in window.message_bar.text
    assert window.controller.tasks.all() == []


def test_a_missing_model_is_explained_at_start(make_window: MakeWindow, tmp_path: Path) -> None:
    (tmp_path / "none").mkdir()
    window = make_window(tmp_path / "none", FakeKokoro())
    assert window.message_bar.isVisible()
    assert "kokoro-v1.0.onnx" in window.message_bar.text and str(tmp_path / "none") in window.message_bar.text


def test_a_failure_is_shown_and_the_row_says_failed(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("Doomed.")
    fake_kokoro.fail_with = RuntimeError("the model fell over")
    window.select_segment(segment.id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Failed", timeout=10_000)
    assert "the model fell over" in cell(window, segment.id, Column.STATUS, Qt.ItemDataRole.ToolTipRole)
    assert window.message_bar.isVisible() and "the model fell over" in window.message_bar.text


def test_typing_saves_and_generate_uses_the_text_just_typed(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("Draft")
    window.select_segment(segment.id)
    window.editor.setFocus()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(window.editor, " one")
    qtbot.waitUntil(lambda: window.controller.segments.get(segment.id).text == "Draft one")
    assert not window.player.is_playing  # Space typed in the editor is text, not Play
    QTest.keyClicks(window.editor, ", final.")
    QTest.keyClick(window.editor, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(fake_kokoro.calls))
    assert fake_kokoro.calls[0][0] == "Draft one, final."
    assert cell(window, segment.id, Column.TEXT) == "Draft one, final."


def test_lock_protects_the_text_and_unlock_frees_it(make_window: MakeWindow, fake_model_dir: Path) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    segment = window.controller.segments.add("Approved.")
    window.select_segment(segment.id)
    QTest.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.segments.get(segment.id).is_locked
    assert window.editor.isReadOnly() and window.commands.lock.isChecked()
    assert cell(window, segment.id, Column.LOCK, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    index = window.model.index(window.model.row_of(segment.id), Column.LOCK)
    assert window.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert not window.controller.segments.get(segment.id).is_locked
    assert not window.editor.isReadOnly()


def test_add_and_delete_segments(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    keep = window.controller.segments.add("Keep.")
    QTest.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 2
    new_id = window.current_id()
    assert new_id != keep.id and window.editor.hasFocus()
    QTest.keyClicks(window.editor, "Gone soon.")
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: cell(window, new_id, Column.STATUS) == "Ready", timeout=10_000)
    audio = window.controller.data_dir / window.controller.segments.get(new_id).audio_file
    assert audio.exists()

    window.confirm_delete = lambda count: False
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.model.rowCount() == 2  # the user said no
    window.confirm_delete = lambda count: True
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.model.rowCount() == 1
    assert window.controller.segments.get(new_id) is None and not audio.exists()
    assert cell(window, keep.id, Column.NUMBER) == "1"


def test_play_explains_when_playback_is_unavailable(make_window: MakeWindow, fake_model_dir: Path) -> None:
    player = AudioPlayer(unavailable_reason="Playback is off: install libpulse0.")
    window = make_window(fake_model_dir, FakeKokoro(), player=player)
    segment = window.controller.segments.add("Hi.")
    window.controller.repository.set_audio(segment.id, "audio/1/segment_1.wav", 1.0, None)
    window.model.refresh_segment(segment.id)
    window.select_segment(segment.id)
    window.commands.play.trigger()
    assert "libpulse0" in window.message_bar.text


def test_play_on_a_locked_segment_without_audio_says_so(
    make_window: MakeWindow, fake_model_dir: Path
) -> None:
    # (An unlocked one is generated as it plays: tests/test_live_preview.py.)
    window = make_window(fake_model_dir, FakeKokoro())
    segment = window.controller.segments.add("Hi.", locked=True)
    window.select_segment(segment.id)
    window.commands.play.trigger()
    assert "has no audio yet" in window.message_bar.text
    assert not window.live_preview.active and window.controller.tasks.active_for(segment.id) is None


def test_settings_dialog_saves_voice_speed_and_language(
    make_window: MakeWindow, fake_model_dir: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    dialog = SettingsDialog(window.controller, window)
    assert [dialog.voice.itemText(i) for i in range(dialog.voice.count())] == ["af_heart", "am_michael"]
    assert dialog.voice.currentText() == "af_heart"
    assert dialog.language.count() == 9
    dialog.voice.setCurrentText("am_michael")
    dialog.speed.setValue(3.0)  # clamped by the spin box to its maximum
    dialog.language.setCurrentIndex(dialog.language.findData("fr-fr"))
    dialog.accept()
    settings = window.controller.settings.current()
    assert (settings.default_voice_id, settings.tts_speed, settings.language) == ("am_michael", 2.0, "fr-fr")


def test_closing_the_window_ends_running_jobs(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    controller = window.controller
    ids = [controller.segments.add(f"One. Two. Three {n}.").id for n in range(2)]
    fake_kokoro.hold()
    for segment_id in ids:
        controller.generation.generate_audio(segment_id)
    qtbot.waitUntil(lambda: any(t.status is TaskStatus.RUNNING for t in controller.tasks.all()))
    fake_kokoro.release()
    window.close()
    assert controller.tasks.active() == []
    assert {t.status for t in controller.tasks.all()} <= {TaskStatus.CANCELLED, TaskStatus.COMPLETED}
    assert controller.generation.pool.activeThreadCount() == 0


def test_numbers_follow_rows_after_a_delete(make_window: MakeWindow, fake_model_dir: Path) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    ids = [window.controller.segments.add(f"S{n}.").id for n in range(3)]
    window.controller.segments.delete(ids[0])
    assert [window.model.index(r, Column.NUMBER).data() for r in range(2)] == ["1", "2"]
    assert window.model.index(0, 0, QModelIndex()).isValid()


def test_without_qtmultimedia_the_app_runs_and_play_says_why(tmp_path: Path, fake_model_dir: Path) -> None:
    """As on a machine without libpulse0: importing QtMultimedia fails (in a child process)."""
    import subprocess
    import sys

    code = f"""
import sys
sys.modules["PySide6.QtMultimedia"] = None  # any import of it now raises ImportError
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from narrator_app.ui import build_main_window
window = build_main_window(Path({str(tmp_path / "data")!r}), Path({str(fake_model_dir)!r}))
window.show()
segment = window.controller.segments.add("Hello.")
window.controller.repository.set_audio(segment.id, "audio/1/segment_1.wav", 1.0, None)
window.model.refresh_segment(segment.id)
window.select_segment(segment.id)
window.commands.play.trigger()
print(window.message_bar.text)
window.close()
"""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Playback is off: QtMultimedia could not be loaded" in proc.stdout
    assert "libpulse0" in proc.stdout


def test_generate_all_and_cancel_all_from_the_window(
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
    make_window: MakeWindow,
    fake_model_dir: Path,
    fake_kokoro: FakeKokoro,
) -> None:
    # As on one core: one job at a time, so each step() is known to reach the next segment (two at
    # once: test_generate_all.py, test_the_window_loads_the_model_for_a_job_alone_again...).
    monkeypatch.setattr("narrator_app.engine.loader.available_cores", lambda: 1)
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    first = c.segments.add("First.")
    c.segments.add("Locked.", locked=True)
    c.segments.add("")
    rest = [c.segments.add(f"Number {n}.\nSecond line.") for n in range(3)]
    assert not window.commands.cancel_all.isEnabled()

    fake_kokoro.hold()
    QTest.keyClick(
        window.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert cell(window, first.id, Column.STATUS) in ("Queued", "Generating…")
    assert cell(window, rest[-1].id, Column.STATUS) == "Queued"
    assert window.commands.cancel_all.isEnabled()
    assert window.batch_status.isVisible()
    assert window.batch_status.label.text().startswith("Generating: ")  # counts, not segment numbers
    assert "4 of 4 left — " in window.batch_status.label.text()

    fake_kokoro.step()  # "First." is done
    qtbot.waitUntil(lambda: cell(window, first.id, Column.STATUS) == "Ready")
    qtbot.waitUntil(
        lambda: window.batch_status.label.text().startswith("Generating: 1 running, 3 of 4 left — ")
    )
    assert "estimating" not in window.batch_status.label.text()  # a speed has been measured
    fake_kokoro.step()  # the first line of the next segment
    # Spoken as "Number zero." (written forms, core.normalize): 12 of the 24 characters in its two chunks
    qtbot.waitUntil(lambda: cell(window, rest[0].id, Column.STATUS) == "Generating 50%")

    QTest.keyClick(window.table, Qt.Key.Key_Escape)  # Cancel all
    # The rows show their real state (no audio), the cancel is noted in the status bar; the render
    # under way runs on to its sentence end meanwhile: "Stopping…" until it has.
    assert [cell(window, s.id, Column.STATUS) for s in rest[1:]] == ["No audio", "No audio"]
    assert window.statusBar().currentMessage().startswith("Stopping… (1 render finishing its sentence)")
    fake_kokoro.release()
    qtbot.waitUntil(lambda: cell(window, rest[0].id, Column.STATUS) == "No audio")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Cancelled 3 tasks;"))
    assert cell(window, first.id, Column.STATUS) == "Ready"  # finished before the cancel: kept
    qtbot.waitUntil(lambda: window.batch_status.label.text().startswith("Generated 1; 3 cancelled"))
    assert "1 locked" in window.batch_status.label.text() and "1 empty" in window.batch_status.label.text()
    assert not window.commands.cancel_all.isEnabled()

    window.commands.generate_all.trigger()  # again: only what is missing
    qtbot.waitUntil(lambda: window.batch_status.label.text().startswith("Generated 3;"))
    assert "1 up to date" in window.batch_status.label.text()
    # The summary reads the (already current) statuses; the last rows follow when their signals land.
    qtbot.waitUntil(lambda: all(cell(window, s.id, Column.STATUS) == "Ready" for s in [first, *rest]))

    window.commands.generate_all.trigger()  # and once more: nothing left, said plainly
    expected = "Nothing to generate: 4 up to date, 1 locked, 1 empty."
    assert window.statusBar().currentMessage() == expected
    assert window.batch_status.label.text() == expected


def test_editing_a_generated_segment_shows_it_outdated(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("Before.")
    window.select_segment(segment.id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Ready")
    window.editor.setFocus()
    QTest.keyClicks(window.editor, " After.")
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Outdated")
    tooltip = cell(window, segment.id, Column.STATUS, Qt.ItemDataRole.ToolTipRole)
    assert "text changed" in tooltip
    assert cell(window, segment.id, Column.DURATION) == "0:00.5"  # the old audio is still there

    dialog = SettingsDialog(window.controller, window)
    dialog.voice.setCurrentText("am_michael")
    dialog.accept()
    assert "voice" in cell(window, segment.id, Column.STATUS, Qt.ItemDataRole.ToolTipRole)


def test_cancel_from_the_context_menu(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    busy = window.controller.segments.add("Busy.")
    waiting = window.controller.segments.add("Waiting.")
    fake_kokoro.hold()
    window.controller.generation.generate_audio(busy.id)
    window.controller.generation.generate_audio(waiting.id)
    qtbot.waitUntil(lambda: cell(window, busy.id, Column.STATUS).startswith("Generating"))
    window.select_segment(waiting.id)
    action = context_menu_action(window, waiting.id, "&Cancel generation")
    assert action.isEnabled()
    action.trigger()
    assert cell(window, waiting.id, Column.STATUS) == "No audio"
    # Two jobs run at once on two cores: the cancelled one may be rendering ("Stopping…" till it ends).
    fake_kokoro.release()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Cancelled 1 segment;"))
    qtbot.waitUntil(lambda: cell(window, busy.id, Column.STATUS) == "Ready")


def test_window_size_splitter_and_columns_are_restored(qtbot, tmp_path: Path, fake_model_dir: Path) -> None:
    first = build_main_window(
        tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro()
    )
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 520)  # inside the offscreen screen (800x600): geometry is clamped to it
    first.splitter.setSizes([300, 150])
    first.table.setColumnWidth(Column.STATUS, 211)
    sizes = first.splitter.sizes()
    beside = {name: first.findChild(QSplitter, name) for name in ("chapterSplitter", "editorSplitter")}
    for splitter in beside.values():
        total = sum(splitter.sizes())
        splitter.setSizes([total // 3, total - total // 3])  # not where they start
    moved = {name: splitter.sizes() for name, splitter in beside.items()}
    first.close()

    second = build_main_window(
        tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro()
    )
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (760, 520)
    assert second.splitter.sizes() == sizes
    # The chapter list's width and the editor | takes split come back too.
    assert {name: second.findChild(QSplitter, name).sizes() for name in moved} == moved
    assert second.table.columnWidth(Column.STATUS) == 211


def test_leaving_the_editor_saves_before_a_lock_click(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    segment = window.controller.segments.add("Draft")
    window.select_segment(segment.id)
    window.editor.setFocus()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(window.editor, " final")
    window.table.setFocus()  # as a click on the row's lock box does, before the click lands
    index = window.model.index(window.model.row_of(segment.id), Column.LOCK)
    assert window.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    record = window.controller.segments.get(segment.id)
    assert (record.text, record.is_locked) == ("Draft final", True)
    assert window.editor.isReadOnly() and window.editor.toPlainText() == "Draft final"
    assert not window.message_bar.isVisible()  # nothing was refused


def test_a_file_that_cannot_be_removed_does_not_stop_a_delete(
    make_window: MakeWindow, fake_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    c = window.controller
    segment = c.segments.add("Doomed.")
    c.repository.set_audio(segment.id, "audio/1/segment_1.wav", 1.0, None)
    real_unlink = Path.unlink

    def stubborn(self: Path, missing_ok: bool = False) -> None:
        if self.name == "segment_1.wav":
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", stubborn)
    assert not isinstance(c.segments.delete(segment.id), Refusal)
    assert window.model.rowCount() == 0 and c.segments.get(segment.id) is None


def test_each_generated_row_shows_a_waveform(qtbot, make_window: MakeWindow, fake_model_dir: Path) -> None:
    from narrator_app.ui.waveforms import WAVEFORM_ROLE

    window = make_window(fake_model_dir, FakeKokoro())
    segment = window.controller.segments.add("A tone.")
    silent = window.controller.segments.add("No audio yet.")
    window.select_segment(segment.id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.STATUS) == "Ready")
    qtbot.waitUntil(lambda: cell(window, segment.id, Column.WAVEFORM, WAVEFORM_ROLE) is not None)
    peaks = cell(window, segment.id, Column.WAVEFORM, WAVEFORM_ROLE)
    assert len(peaks) == 48 and max(peaks) == pytest.approx(1.0)
    assert cell(window, silent.id, Column.WAVEFORM, WAVEFORM_ROLE) is None
    # A trimmed take shows only what is heard: a quarter off each end leaves the middle half.
    quarter = window.controller.segments.get(segment.id).audio_duration / 4
    window.controller.takes.trim(segment.id, quarter, quarter)
    qtbot.waitUntil(lambda: len(cell(window, segment.id, Column.WAVEFORM, WAVEFORM_ROLE)) == 24)
    assert cell(window, segment.id, Column.WAVEFORM, WAVEFORM_ROLE) == peaks[12:36]
    assert not window.table.grab().isNull()  # the delegate paints it


def test_play_all_plays_every_current_segment_in_order(
    qtbot, make_window: MakeWindow, fake_model_dir: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    c = window.controller
    ids = [c.segments.add(f"Part {n}.").id for n in range(3)]
    c.segments.add("Locked, never generated.", locked=True)
    window.commands.generate_all.trigger()
    qtbot.waitUntil(lambda: c.generation.batch_state().finished, timeout=10_000)
    c.segments.add("Added later, no audio.")
    played: list[int] = []
    window.playlist.current_changed.connect(played.append)
    with qtbot.waitSignal(window.playlist.ended, timeout=20_000):
        window.commands.play_all.trigger()
        assert window.commands.stop.isEnabled()
    assert played == ids  # in order; segments without audio are left out
    assert window.current_id() == ids[-1]  # the row being played is selected

    window.commands.play_all.trigger()
    qtbot.waitUntil(lambda: window.player.is_playing)
    window.commands.stop.trigger()
    assert not window.playlist.active and not window.player.is_playing
