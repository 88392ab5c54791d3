"""Export: the narration in one file with pauses, subtitles, refusals and cancel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.engine.export import (
    ExportCancelled,
    ExportError,
    ExportItem,
    export_narration,
    render_subtitles,
)
from support import MakeController, wait_for_tasks

RATE = 24_000


def tone(path: Path, seconds: float) -> Path:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(path), (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)
    return path


@pytest.fixture
def items(tmp_path: Path) -> list[ExportItem]:
    return [
        ExportItem(1, "First line.", tone(tmp_path / "a.wav", 1.0)),
        ExportItem(2, "Second,\nwith a break.", tone(tmp_path / "b.wav", 2.0)),
        ExportItem(3, "Third.", tone(tmp_path / "c.wav", 0.5)),
    ]


@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3"])
def test_segments_are_joined_with_pauses_between_only(
    tmp_path: Path, items: list[ExportItem], fmt: str
) -> None:
    out = tmp_path / "out" / f"story.{fmt}"
    result = export_narration(items, out, fmt=fmt, pause=0.5, subtitles="srt")
    assert result.duration == pytest.approx(1.0 + 0.5 + 2.0 + 0.5 + 0.5)
    assert result.segments == 3
    info = sf.info(str(out))
    assert (info.samplerate, info.channels) == (RATE, 1)
    assert info.duration == pytest.approx(result.duration, abs=0.1 if fmt == "mp3" else 1e-3)
    assert result.subtitles == out.with_suffix(".srt")
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, "story.srt"])


def test_subtitle_cues_follow_durations_and_pauses(tmp_path: Path, items: list[ExportItem]) -> None:
    result = export_narration(items, tmp_path / "story.wav", pause=0.5, subtitles="vtt")
    assert result.subtitles is not None
    assert result.subtitles.read_text(encoding="utf-8") == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:01.000\nFirst line.\n\n"
        "00:00:01.500 --> 00:00:03.500\nSecond, with a break.\n\n"
        "00:00:04.000 --> 00:00:04.500\nThird.\n"
    )
    srt = render_subtitles([], "srt")
    assert srt == ""


def test_cancel_or_error_leaves_nothing_and_keeps_an_earlier_export(
    tmp_path: Path, items: list[ExportItem]
) -> None:
    out = tmp_path / "story.wav"
    out.write_bytes(b"an earlier export")
    with pytest.raises(ExportCancelled):
        export_narration(items, out, subtitles="srt", should_cancel=lambda: True)
    broken = [*items, ExportItem(4, "Gone.", tmp_path / "missing.wav")]
    with pytest.raises(ExportError, match="missing.wav"):
        export_narration(broken, out, subtitles="srt")
    assert out.read_bytes() == b"an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav", "c.wav", "story.wav"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "ogg"}, "Unknown format"),
        ({"pause": -1}, "between 0 and 10"),
        ({"subtitles": "ass"}, "srt or vtt"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, items: list[ExportItem], kwargs: dict, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export_narration(items, tmp_path / "x.wav", **kwargs)
    assert not (tmp_path / "x.wav").exists()


def test_export_from_the_controller_and_the_command_line(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, capsys, qapp
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("One.")
    c.segments.add("")  # empty: neither exported nor missing
    locked = c.segments.add("Approved.")
    waiting = c.segments.add("Not generated yet.")
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids)
    c.segments.update(locked.id, locked=True)
    c.segments.update(waiting.id, text="Edited since: outdated.")
    plan = c.exports.plan()
    assert [i.segment_id for i in plan.items] == [1, locked.id]  # locked segments are exported
    assert [r.id for r in plan.missing] == [waiting.id]
    c.shutdown()  # one process per data folder: the command line is refused while a controller is open

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, out = run("export", "--out", str(tmp_path / "n.flac"), "--subtitles", "srt")
    assert code == 1 and out["reason"] == "missing_audio" and out["missing"] == [waiting.id]
    assert not (tmp_path / "n.flac").exists()
    code, out = run("export", "--out", str(tmp_path / "n.flac"), "--subtitles", "srt", "--skip-missing")
    assert code == 0
    assert out == {
        "path": str(tmp_path / "n.flac"),
        "duration": pytest.approx(0.5 + 0.5 + 0.5),
        "segments": 2,
        "subtitles": str(tmp_path / "n.srt"),
        "chapters": [],  # chapter marks are an M4B's (test_audiobook_export.py)
        "cues": 2,
    }
    assert sf.info(str(tmp_path / "n.flac")).format == "FLAC"
    code, out = run("export", "--out", str(tmp_path / "x.wav"), "--pause", "11", "--skip-missing")
    assert code == 2 and "--pause" in out["message"]


def test_the_export_dialog_exports_in_the_background(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.export_dialog import ExportDialog
    from narrator_app.ui.main_window import MainWindow

    c = make_controller(fake_model_dir, FakeKokoro())
    window = MainWindow(c)
    qtbot.addWidget(window)
    window.show()
    c.segments.add("One.")
    c.segments.add("Two.")
    c.segments.add("Never generated.", locked=True)
    c.generation.generate_all()
    qtbot.waitUntil(lambda: c.generation.batch_state().finished)
    dialog = ExportDialog(c, window)
    assert "2 segments will be exported" in dialog.summary.text()
    assert (
        "1 segment(s) have no current audio" in dialog.summary.text()
        and "3 (locked)" in dialog.summary.text()
    )
    dialog.path.setText(str(tmp_path / "book.wav"))
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("mp3"))
    assert dialog.path.text() == str(tmp_path / "book.mp3")
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("vtt"))
    assert dialog.request().segments_dir is None and not dialog.segments_dir.isEnabled()
    dialog.per_segment.setChecked(True)
    dialog.segments_dir.setText(str(tmp_path / "book parts"))
    with qtbot.waitSignal(c.exports.finished, timeout=10_000) as finished:
        window.transfers.start_export(dialog.request())
    result = finished.args[0]
    assert result.path == tmp_path / "book.mp3" and result.segments == 2
    assert [p.name for p in result.segment_files] == ["001 One.mp3", "002 Two.mp3"]
    assert sorted(p.name for p in (tmp_path / "book parts").iterdir()) == ["001 One.mp3", "002 Two.mp3"]
    assert (tmp_path / "book.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert "Exported 2 segments" in window.statusBar().currentMessage()


def test_a_folder_as_target_and_unreadable_audio_are_explained(
    tmp_path: Path, items: list[ExportItem]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_narration(items, folder, subtitles="srt")
    assert list(folder.iterdir()) == [] and not (tmp_path / "out.srt").exists()
    items[1].audio_path.write_bytes(b"not audio")
    with pytest.raises(ExportError, match="Cannot read the audio of segment 2"):
        export_narration(items, tmp_path / "story.wav", subtitles="srt")
    assert not (tmp_path / "story.wav").exists() and not (tmp_path / "story.srt").exists()


def test_an_export_runs_until_its_result_is_handed_over(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A short export's worker can be done before its result reaches the window: a second export
    asked for in that moment is refused, as while the first one writes (it failed CI once so)."""
    from narrator_app.app.exporting import ExportRequest
    from narrator_app.app.workers import Deadline

    c = make_controller(fake_model_dir, FakeKokoro())
    for n in range(3):
        c.segments.add(f"Segment {n}.")
    c.generation.generate_all()
    qtbot.waitUntil(lambda: c.generation.batch_state().finished)
    results: list[object] = []
    c.exports.finished.connect(results.append)
    _plan, first = c.exports.start(ExportRequest(tmp_path / "a.wav"))
    assert first
    # Every worker done, without running the event loop: the result is still queued.
    assert c.workers.wait(Deadline(20_000))
    assert (tmp_path / "a.wav").exists() and results == []
    assert c.exports.running
    _plan, second = c.exports.start(ExportRequest(tmp_path / "b.wav"))
    assert not second and not (tmp_path / "b.wav").exists()
    qtbot.waitUntil(lambda: len(results) == 1)
    assert not c.exports.running


def test_only_one_export_runs_at_a_time(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.exporting import ExportRequest

    c = make_controller(fake_model_dir, FakeKokoro())
    for n in range(3):
        c.segments.add(f"Segment {n}.")
    c.generation.generate_all()
    qtbot.waitUntil(lambda: c.generation.batch_state().finished)
    with qtbot.waitSignal(c.exports.finished, timeout=10_000):
        _plan, first = c.exports.start(ExportRequest(tmp_path / "a.wav"))
        _plan, second = c.exports.start(ExportRequest(tmp_path / "b.wav"))
    assert first and not second
    assert (tmp_path / "a.wav").exists() and not (tmp_path / "b.wav").exists()
    qtbot.waitUntil(lambda: not c.exports.running)
    _plan, again = c.exports.start(ExportRequest(tmp_path / "b.wav"))
    assert again


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_each_segment_can_also_go_into_its_own_file(
    tmp_path: Path, items: list[ExportItem], fmt: str
) -> None:
    folder = tmp_path / "parts"
    result = export_narration(items, tmp_path / f"story.{fmt}", fmt=fmt, segments_dir=folder)
    names = ["001 First line.", "002 Second, with a break.", "003 Third."]
    assert [p.name for p in result.segment_files] == [f"{n}{fmt}" for n in names]
    assert sorted(p.name for p in folder.iterdir()) == [f"{n}{fmt}" for n in names]
    for path, seconds in zip(result.segment_files, (1.0, 2.0, 0.5), strict=True):
        samples, rate = sf.read(str(path), dtype="float32")
        assert rate == RATE
        assert len(samples) / rate == pytest.approx(seconds, abs=0.1 if fmt == "mp3" else 1e-6)


def test_a_cancelled_export_leaves_no_segment_files_nor_their_new_folder(
    tmp_path: Path, items: list[ExportItem]
) -> None:
    calls = iter([False, False, True])  # cancelled before the third segment
    with pytest.raises(ExportCancelled):
        export_narration(
            items, tmp_path / "story.wav", segments_dir=tmp_path / "parts", should_cancel=lambda: next(calls)
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav", "c.wav"]
    existing = tmp_path / "kept"
    existing.mkdir()
    (existing / "mine.txt").write_text("the user's", encoding="utf-8")
    with pytest.raises(ExportCancelled):
        export_narration(items, tmp_path / "story.wav", segments_dir=existing, should_cancel=lambda: True)
    assert [p.name for p in existing.iterdir()] == ["mine.txt"]


def test_a_real_narration_exports_to_mp3_with_subtitles_that_match(
    qtbot, make_controller: MakeController, real_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    c = make_controller(real_model_dir)
    texts = ["The keeper lit the lamp.", "Ships passed in the night.", "Morning came."]
    for text in texts:
        c.segments.add(text)
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids)
    durations = [s.audio_duration for s in c.segments.all()]
    assert all(d is not None and d > 0.5 for d in durations)
    c.shutdown()  # one process per data folder: the command line is refused while a controller is open
    out = tmp_path / "chapter.mp3"
    code = main(
        [
            "--data-dir", str(c.data_dir), "--model-dir", str(real_model_dir), "export", "--out", str(out),
            "--pause", "0.4", "--subtitles", "srt", "--segments-dir", str(tmp_path / "parts"), "--json",
        ]
    )  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and set(payload) == {
        "path", "duration", "segments", "subtitles", "segment_files", "chapters", "cues"
    }  # fmt: skip
    expected = sum(durations) + 0.4 * (len(texts) - 1)
    assert payload["duration"] == pytest.approx(expected, abs=1e-3)
    samples, rate = sf.read(str(out), dtype="float32")  # the whole MP3 decodes
    assert rate == RATE and len(samples) / rate == pytest.approx(expected, abs=0.1)
    assert float(np.abs(samples).max()) > 0.05  # speech, not silence
    blocks = Path(payload["subtitles"]).read_text(encoding="utf-8").strip().split("\n\n")
    start = 0.0
    for number, (block, text, duration) in enumerate(zip(blocks, texts, durations, strict=True), 1):
        index, times, cue = block.split("\n")
        begin, end = (_seconds(t) for t in times.split(" --> "))
        assert (int(index), cue) == (number, text)
        assert begin == pytest.approx(start, abs=0.001) and end == pytest.approx(start + duration, abs=0.001)
        start += duration + 0.4
    assert len(payload["segment_files"]) == 3
    for path, duration in zip(payload["segment_files"], durations, strict=True):
        assert sf.info(path).duration == pytest.approx(duration, abs=0.1)


def _seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))


def test_the_dialog_generates_the_missing_segments_then_exports(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from narrator_app.ui.export_dialog import ExportDialog
    from narrator_app.ui.main_window import MainWindow

    fake = FakeKokoro()
    c = make_controller(fake_model_dir, fake)
    window = MainWindow(c)
    qtbot.addWidget(window)
    ready = c.segments.add("Ready.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(ready.id)])
    c.segments.add("Missing one.")
    c.segments.add("Missing two.")
    dialog = ExportDialog(c, window)
    assert "2 segment(s) have no current audio and will be left out: 2, 3." in dialog.summary.text()
    dialog.path.setText(str(tmp_path / "all.wav"))
    dialog.generate_missing.connect(window.transfers.generate_then_export)
    button = dialog.findChild(QPushButton, "generateMissingButton")
    assert button.text() == "&Generate missing, then export"
    with qtbot.waitSignal(c.exports.finished, timeout=20_000) as finished:
        button.click()
    assert finished.args[0].segments == 3
    assert sf.info(str(tmp_path / "all.wav")).duration == pytest.approx(0.5 * 3 + 0.5 * 2, abs=1e-3)

    # A failure while generating: no export, and the window says which rows are missing.
    c.segments.update(c.segments.all()[2].id, text="Changed, so outdated.")
    fake.fail_with = RuntimeError("the model broke")
    window.transfers.generate_then_export(dialog.request())
    qtbot.waitUntil(lambda: "export was not started" in window.message_bar.text, timeout=20_000)
    assert "still have no current audio (failed or cancelled): 3." in window.message_bar.text


def test_the_crash_journal_names_each_segment_file_too(qapp, tmp_path: Path, items: list[ExportItem]) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.exporting import ExportJob, ExportRequest, ExportSignals
    from narrator_app.app.workers import Worker
    from narrator_app.core.recovery import PENDING_EXPORTS
    from narrator_app.engine.export import segment_file_name

    data = tmp_path / "data"
    signals = ExportSignals()
    noted: list[list[str]] = []
    signals.progress.connect(
        lambda _f: noted.append(json.loads(next((data / PENDING_EXPORTS).glob("*.json")).read_text()))
    )
    request = ExportRequest(tmp_path / "story.wav", segments_dir=tmp_path / "parts")
    Worker(
        ExportJob(items, request, signals, data), signals
    ).run()  # on this thread: progress arrives while it runs
    expected = [str(tmp_path / "story.wav")] + [
        str(tmp_path / "parts" / segment_file_name(n, item.text, "wav")) for n, item in enumerate(items, 1)
    ]
    assert noted and noted[0] == expected
    assert list((data / PENDING_EXPORTS).iterdir()) == []  # gone once the export ended
