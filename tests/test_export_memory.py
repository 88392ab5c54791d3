"""Issue 19, item 8: the export dialog remembers its choices per project, and asks before it
replaces files an earlier export wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.ui.export_dialog import ExportDialog
from narrator_app.ui.export_memory import replace_question
from narrator_app.ui.main_window import MainWindow
from support import MakeController, wait_for_tasks


def answer_replace(qtbot, dialog: ExportDialog, yes: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer the next "Replace files?" question of `dialog`; returns its text once it was asked."""
    asked: list[str] = []
    tries = iter(range(500))  # 5 s at most: a question never asked ends the polling

    def answer() -> None:
        box = dialog.findChild(QMessageBox, "replaceFilesBox")
        if box is None or not box.isVisible():
            if next(tries, None) is not None:
                QTimer.singleShot(10, answer)
            return
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer)
    return asked


def generated(qtbot, controller: Controller, *texts: str) -> None:  # type: ignore[no-untyped-def]
    ids = [controller.generation.generate_audio(controller.segments.add(t).id) for t in texts]
    wait_for_tasks(qtbot, controller, ids)  # type: ignore[arg-type]


def test_choices_are_remembered_per_project_and_across_a_restart(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    generated(qtbot, c, "One.")
    first = c.project
    dialog = ExportDialog(c)
    qtbot.addWidget(dialog)
    defaults = dialog.choices()
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("mp3"))
    dialog.book.split.setChecked(True)
    dialog.book.bitrate.setCurrentIndex(dialog.book.bitrate.findData(96_000))
    dialog.book.loudness.setCurrentIndex(dialog.book.loudness.findData("podcast"))
    dialog.book.split.setChecked(False)
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("vtt"))
    dialog.pause.setValue(1.2)
    dialog.path.setText(str(tmp_path / "out" / "story.mp3"))
    dialog.accept()
    assert dialog.result() == ExportDialog.DialogCode.Accepted

    again = ExportDialog(c)
    qtbot.addWidget(again)
    assert again.path.text() == str(tmp_path / "out" / "story.mp3")
    assert again.fmt.currentData() == "mp3" and again.subtitles.currentData() == "vtt"
    assert again.pause.value() == pytest.approx(1.2)
    assert again.book.bitrate.currentData() == 96_000 and again.book.loudness.currentData() == "podcast"
    assert again.request().out_path == tmp_path / "out" / "story.mp3"

    # Another project has its own choices: the defaults until it exports.
    c.projects.create("Other book")
    c.projects.open("Other book")
    other = ExportDialog(c)
    qtbot.addWidget(other)
    assert other.fmt.currentData() == defaults["fmt"] == "wav"
    assert other.subtitles.currentData() is None and other.path.text().endswith("Other book.wav")
    other.fmt.setCurrentIndex(other.fmt.findData("m4b"))
    other.book.split.setChecked(True)
    other.path.setText(str(tmp_path / "other" / "book.m4b"))
    other.accept()
    assert other.result() == ExportDialog.DialogCode.Accepted

    # Stored in the data folder: a new controller (the window started again) finds both.
    c.shutdown()
    restarted = make_controller(fake_model_dir, FakeKokoro())
    assert restarted.project.name == "Default"
    mine = ExportDialog(restarted)
    qtbot.addWidget(mine)
    assert (mine.fmt.currentData(), mine.subtitles.currentData(), mine.book.split.isChecked()) == (
        "mp3",
        "vtt",
        False,
    )
    restarted.projects.open("Other book")
    theirs = ExportDialog(restarted)
    qtbot.addWidget(theirs)
    assert theirs.fmt.currentData() == "m4b" and theirs.book.split.isChecked()
    assert theirs.path.text() == str(tmp_path / "other" / "book.m4b")
    assert restarted.project.id != first.id


def test_the_question_names_the_files() -> None:
    text = replace_question([Path("/m/story.wav"), Path("/m/story.srt")])
    assert text.startswith("Replace 2 files? story.wav, story.srt") and "/m" in text
    many = replace_question([Path(f"/m/{n:03} x.wav") for n in range(11)])
    assert "and 3 more" in many and many.startswith("Replace 11 files?")


def test_an_export_asks_before_replacing_files_and_no_keeps_them(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    window = MainWindow(c)
    qtbot.addWidget(window)
    generated(qtbot, c, "One.", "Two.")
    story, subtitles = tmp_path / "story.wav", tmp_path / "story.srt"
    story.write_bytes(b"an earlier export's audio")
    subtitles.write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nearlier\n")
    (tmp_path / "unrelated.txt").write_text("not the export's")
    before = {p: p.read_bytes() for p in (story, subtitles)}

    dialog = ExportDialog(c, window)
    dialog.show()
    dialog.path.setText(str(story))
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
    asked = answer_replace(qtbot, dialog, yes=False)
    dialog.accept()
    assert asked and asked[0].startswith("Replace 2 files? story.wav, story.srt")
    assert dialog.isVisible() and dialog.result() != ExportDialog.DialogCode.Accepted  # still open
    assert dialog.path.text() == str(story) and dialog.subtitles.currentData() == "srt"
    assert {p: p.read_bytes() for p in before} == before  # byte for byte
    assert not c.exports.running

    asked = answer_replace(qtbot, dialog, yes=True)
    dialog.accept()
    assert asked and dialog.result() == ExportDialog.DialogCode.Accepted
    with qtbot.waitSignal(c.exports.finished, timeout=10_000):
        window.transfers.start_export(dialog.request())
    assert sf.info(str(story)).duration == pytest.approx(0.5 + 0.5 + 0.5, abs=1e-3)
    assert subtitles.read_text(encoding="utf-8").startswith("1\n") and "Two." in subtitles.read_text()

    # Nothing there yet (another name): no question at all.
    fresh = ExportDialog(c, window)
    qtbot.addWidget(fresh)
    fresh.path.setText(str(tmp_path / "new.wav"))
    fresh.accept()
    assert fresh.result() == ExportDialog.DialogCode.Accepted
    assert fresh.findChild(QMessageBox, "replaceFilesBox") is None


def test_per_chapter_and_segment_files_are_asked_about_too(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    generated(qtbot, c, "One.", "Two.")
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "002 Two.wav").write_bytes(b"kept unless the user says so")
    dialog = ExportDialog(c)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(tmp_path / "story.wav"))
    dialog.per_segment.setChecked(True)
    dialog.segments_dir.setText(str(parts))
    asked = answer_replace(qtbot, dialog, yes=False)
    dialog.accept()
    assert asked and asked[0].startswith("Replace 1 file? 002 Two.wav")
    assert (parts / "002 Two.wav").read_bytes() == b"kept unless the user says so"
    assert dialog.isVisible()

    # A split m4b: each chapter's file and the playlist.
    split = tmp_path / "book"
    split.mkdir()
    dialog.per_segment.setChecked(False)
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("m4b"))
    dialog.book.split.setChecked(True)
    dialog.path.setText(str(split.with_suffix(".m4b")))
    targets = c.exports.targets(dialog.request())
    for target in targets:
        target.write_bytes(b"earlier")
    asked = answer_replace(qtbot, dialog, yes=False)
    dialog.accept()
    names = ", ".join(t.name for t in targets)
    assert asked and asked[0].startswith(f"Replace {len(targets)} files? {names}")
    assert targets[-1].suffix == ".m3u" and all(t.read_bytes() == b"earlier" for t in targets)
