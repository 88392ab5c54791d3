"""Issue 19, the window as a daily tool: what a new user tripped over, item by item."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from fakes import ClockSink, FakeKokoro
from narrator_app.app.catalog import model_status
from narrator_app.core.batch import BatchState
from narrator_app.ui.batch_status import describe_progress
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.model_dialog import ModelDialog
from narrator_app.ui.segment_model import Column
from narrator_app.ui.settings_dialog import SettingsDialog, bundled_voices_note
from window_support import MakeWindow, cell, window_maker


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> MakeWindow:  # type: ignore[no-untyped-def]
    return window_maker(qtbot, tmp_path / "data")


def generate_and_wait(qtbot, window: MainWindow, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    window.select_segment(segment_id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: cell(window, segment_id, Column.STATUS) == "Ready", timeout=10_000)


# -- 1: a cancelled re-render leaves the row's real state -------------------------------------------
def test_a_cancelled_rerender_stays_outdated_with_its_old_audio(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    segment = c.segments.add("Before.")
    generate_and_wait(qtbot, window, segment.id)
    c.segments.update(segment.id, text="After. And more.")
    assert cell(window, segment.id, Column.STATUS) == "Outdated"

    fake_kokoro.hold()
    window.commands.generate_all.trigger()
    qtbot.waitUntil(lambda: str(cell(window, segment.id, Column.STATUS)).startswith("Generating"))
    window.commands.cancel_all.trigger()
    assert cell(window, segment.id, Column.STATUS) == "Outdated"  # not "Cancelled"
    assert cell(window, segment.id, Column.DURATION) == "0:00.5"  # the old audio is kept
    assert window.statusBar().currentMessage() == "Stopping… (1 render finishing its sentence)"
    batch_label = window.batch_status.label
    assert not window.batch_status.isVisible() or "cancelled" not in batch_label.text()  # not yet
    fake_kokoro.release()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Cancelled 1 task;"))
    assert c.generation.stopping() == 0
    qtbot.waitUntil(lambda: window.batch_status.isVisible() and "1 cancelled" in batch_label.text())
    assert cell(window, segment.id, Column.STATUS) == "Outdated"
    assert c.segments.get(segment.id).audio_duration == pytest.approx(0.5, abs=0.01)


# -- 3: voices for English users; the model dialog in plain words -----------------------------------
def test_the_bundled_voices_note_and_the_way_to_more_voices(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    note = bundled_voices_note(["jf_alpha", "jm_kumo"])
    assert "Japanese voices" in note and "read English well" in note and "54 official voices" in note
    assert bundled_voices_note(["af_heart", "jf_alpha"]) == ""  # the official voices are there

    window = make_window(fake_model_dir, fake_kokoro)
    dialog = SettingsDialog(window.controller, window, more_voices=window.open_models)
    qtbot.addWidget(dialog)
    assert dialog.more_voices.isVisibleTo(dialog)
    dialog.more_voices.click()
    assert isinstance(window.model_dialog, ModelDialog) and window.model_dialog.isVisible()


def test_the_model_dialog_speaks_plainly(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    window.open_models()
    dialog = window.model_dialog
    texts = [label.text() for label in dialog.findChildren(type(dialog.model_label))]
    texts += [dialog.variant.itemText(i) for i in range(dialog.variant.count())]
    shown = "\n".join(texts)
    assert "`" not in shown and "ExecutionProvider" not in shown
    assert dialog.provider_label.text().startswith("The CPU")
    compact = dialog.variant.itemText(dialog.variant.findData("int8"))
    assert compact == "Compact — kokoro-v1.0.int8.onnx (92.4 MB)"  # the size the file shows in use


def test_every_size_told_before_a_download_is_in_the_same_megabytes() -> None:
    """One file, one size: `models download --help` and the guide said "about 88 MB" (MiB) for the
    file the dialog and `models status` show as 92.4 MB."""
    import subprocess
    import sys

    from narrator_app.engine.download import OFFICIAL_FILES

    int8 = OFFICIAL_FILES["kokoro-v1.0.int8.onnx"]
    assert int8.size is not None and int8.approx_size == f"about {round(int8.size / 1e6)} MB"
    helped = subprocess.run(
        [sys.executable, "-m", "narrator_app", "models", "download", "--help"], capture_output=True, text=True
    )
    assert "int8 (about 92 MB" in " ".join(helped.stdout.split()), helped.stdout
    guide = (Path(__file__).resolve().parents[1] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    assert "88 MB" not in guide and "about 92 MB" in guide


# -- 4: Play without an output device says so; "it plays once it is ready" -------------------------
def test_play_without_an_output_device_says_so(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    if window.player.output_problem() is None:
        pytest.skip("this machine has an audio output")
    segment = window.controller.segments.add("Hello.")
    generate_and_wait(qtbot, window, segment.id)
    window.commands.play.trigger()
    assert "Segment 1 cannot be heard: no audio output device was found" in window.message_bar.text
    qtbot.waitUntil(lambda: "(no audio output)" in window.player_label.text())


class BrokenSink(ClockSink):
    def error(self) -> object:
        from PySide6.QtMultimedia import QAudio

        return QAudio.Error.OpenError


def test_a_preview_that_could_not_be_heard_plays_once_it_is_ready(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    window.live_preview.sink_factory = lambda rate: BrokenSink()
    window.player.output_problem = lambda: None  # type: ignore[method-assign]  # as with speakers
    segment = window.controller.segments.add("One. Two.")
    window.select_segment(segment.id)
    window.commands.play.trigger()
    qtbot.waitUntil(lambda: "it plays once it is ready" in window.message_bar.text)
    qtbot.waitUntil(lambda: window.player.segment_id == segment.id, timeout=10_000)
    assert window.controller.segments.get(segment.id).audio_file is not None


# -- 5: status messages clear when they stop being true --------------------------------------------
def test_a_batch_summary_goes_once_the_settings_change(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    c.segments.add("One.")
    c.segments.add("Locked.", locked=True)
    window.commands.generate_all.trigger()
    qtbot.waitUntil(lambda: window.batch_status.label.text() == "Generated 1; skipped 1 locked.")
    assert window.batch_status.isVisible()
    c.settings.update(voice="am_michael")  # everything is outdated now
    assert not window.batch_status.isVisible()


def test_an_edit_clears_the_summary_but_the_batchs_own_late_signals_do_not(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    first = c.segments.add("One.")
    window.commands.generate_all.trigger()
    qtbot.waitUntil(lambda: window.batch_status.label.text() == "Generated 1.")
    # The batch's own signals (the row's audio recorded) arrive around the summary: it stays.
    qtbot.waitUntil(lambda: cell(window, first.id, Column.STATUS) == "Ready")
    assert window.batch_status.isVisible()
    c.segments.update(first.id, text="One, edited.")
    assert not window.batch_status.isVisible()


# -- 6: progress ---------------------------------------------------------------------------------
def test_a_single_generate_shows_its_percent(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("One.\nTwo.")  # two chunks: a percent after the first
    fake_kokoro.hold()
    window.select_segment(segment.id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: window.batch_status.label.text() == "Generating segment 1: 0%")
    fake_kokoro.step()
    # "One." is 4 of the 8 characters of its two chunks: its percent, as the row's "Generating 50%"
    qtbot.waitUntil(lambda: window.batch_status.label.text() == "Generating segment 1: 50%")
    assert window.batch_status.bar.value() == 50
    assert cell(window, segment.id, Column.STATUS) == "Generating 50%"
    fake_kokoro.release()
    qtbot.waitUntil(lambda: not window.batch_status.isVisible())


def test_batch_progress_counts_tasks_not_segment_numbers() -> None:
    state = BatchState(total=5, ended=2, completed=2, failed=0, cancelled=0, seconds_left=40, running=2)
    assert describe_progress(state) == "Generating: 2 running, 3 of 5 left — less than a minute left"


# -- 7: layout -----------------------------------------------------------------------------------
def test_the_lock_button_keeps_its_width_and_messages_do_not_move_the_table(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("Hello.")
    toolbar = window.findChild(type(window.addToolBar("x")), "mainToolBar")
    button = toolbar.widgetForAction(window.commands.lock)
    window.select_segment(segment.id)
    unlocked = button.width()
    window.commands.lock.trigger()
    assert window.commands.lock.text() == "Un&lock"
    qtbot.waitUntil(lambda: button.width() == unlocked)

    geometry = window.table.geometry()
    window.show_message("Something to say.")
    assert window.message_bar.isVisible() and window.table.geometry() == geometry
    bar = window.message_bar.geometry()
    assert bar.bottom() < window.table.height() and bar.width() > window.table.width() / 2


def test_generate_is_off_for_locked_rows(
    make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    locked = window.controller.segments.add("Kept.", locked=True)
    free = window.controller.segments.add("Free.")
    window.select_segment(locked.id)
    assert not window.commands.generate.isEnabled()
    window.select_segment(free.id)
    assert window.commands.generate.isEnabled()


# -- 9, 10, 12 -------------------------------------------------------------------------------------
def test_split_and_merge_are_in_the_context_menu(make_window: MakeWindow, fake_model_dir: Path) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    actions = window.context_menu.actions()
    assert window.commands.split in actions and window.commands.merge in actions


def test_alembic_stays_at_warning(make_window: MakeWindow, fake_model_dir: Path) -> None:
    make_window(fake_model_dir, FakeKokoro())
    assert logging.getLogger("alembic").getEffectiveLevel() == logging.WARNING


def test_models_status_says_whether_the_model_file_exists(
    make_window: MakeWindow, fake_model_dir: Path, tmp_path: Path
) -> None:
    window = make_window(fake_model_dir, FakeKokoro())
    status = model_status(window.controller.loader)
    assert status.to_json()["assembled"] is True
    missing = replace(status, model_file=tmp_path / "to-be-assembled.onnx")
    assert missing.to_json()["assembled"] is False
