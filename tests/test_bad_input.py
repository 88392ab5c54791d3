"""Hostile input: odd text, broken files, values out of range. A clear message, no traceback, nothing lost."""

from __future__ import annotations

import json
import math
import os
import resource
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QElapsedTimer, QTimer

from fakes import FakeKokoro
from narrator_app.cli import main
from narrator_app.core.rules import ProjectError, Refusal, RefusalReason, SettingsError
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.audio_files import audio_duration
from narrator_app.store import open_database
from narrator_app.store.database import DatabaseError
from support import MakeController, wait_for_tasks

HOSTILE_TEXTS = {  # short, and grouped where they can be: each is spoken by the real model
    "emoji, combining marks, control characters, NUL": (
        "Hi 😀🎉. Cafe\u0301 Z\u0336a\u0337. Bell\x07 tab\t\x1b[31m red\x0c. Before\x00after."
    ),
    "CJK and right to left": "天気。שלום مرحبا.",
    "emoji only": "😀👍",
    "punctuation only": "?!... ,;: ---",
    "digits only": "12 3.4",
}


def _assert_recorded_audio_is_whole(c, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    record = c.segments.get(segment_id)
    assert record is not None and record.audio_file is not None
    samples, rate = sf.read(str(c.data_dir / record.audio_file), dtype="float32")
    assert rate == 24_000 and len(samples) > 0 and len(samples) / rate == record.audio_duration


# -- text -------------------------------------------------------------------------------------------
def test_odd_texts_are_stored_exactly_and_spoken_by_the_real_model(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(real_model_dir)
    ids = {name: c.segments.add(text).id for name, text in HOSTILE_TEXTS.items()}
    blank = c.segments.add(" \t\n\u00a0\u2003 ")
    for name, segment_id in ids.items():
        assert c.segments.get(segment_id).text == HOSTILE_TEXTS[name], name  # NUL and all, round trip
    refused = c.generation.generate_audio(blank.id)
    assert isinstance(refused, Refusal) and refused.reason is RefusalReason.EMPTY_TEXT
    summary = c.generation.generate_all()
    assert summary.skipped_empty == 1 and summary.queued == len(HOSTILE_TEXTS)
    wait_for_tasks(qtbot, c, summary.task_ids, timeout=240_000)
    for task_id in summary.task_ids:
        info = c.generation.task(task_id)
        assert info.status is TaskStatus.COMPLETED, (info.segment_id, info.message)
        _assert_recorded_audio_is_whole(c, info.segment_id)


def test_a_3000_letter_word_does_not_crash_the_model(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """kokoro-onnx #115/#184: one word longer than the 510-phoneme limit crashed the model."""
    c = make_controller(real_model_dir)
    c.settings.update(speed=2.0)
    word = c.segments.add("a" * 1000 + "b" * 1000 + "c" * 1000)
    task_id = c.generation.generate_audio(word.id)
    wait_for_tasks(qtbot, c, [task_id], timeout=240_000)
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED, c.generation.task(task_id).message
    _assert_recorded_audio_is_whole(c, word.id)


def test_a_200000_character_segment_completes_with_memory_bounded_and_the_window_responsive(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.main_window import MainWindow

    c = make_controller(fake_model_dir, FakeKokoro())
    sentence = "This sentence goes on about nothing in particular, at some length, to fill the page. "
    text = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    window = MainWindow(c)
    qtbot.addWidget(window)
    window.show()
    # A short render first, so that what the first render in a process imports (the phonemiser,
    # a few hundred milliseconds of module code holding the interpreter) is not counted as this one's.
    warm_up = c.generation.generate_audio(c.segments.add("A short one first.").id)
    wait_for_tasks(qtbot, c, [warm_up], timeout=120_000)
    segment = c.segments.add(text)
    window.table.selectRow(1)
    assert c.segments.get(segment.id).text == text

    ticks = QElapsedTimer()
    ticks.start()
    longest_gap = [0]

    def tick() -> None:
        longest_gap[0] = max(longest_gap[0], ticks.restart())

    # Memory first, traced: tracing slows every allocation, so it would also slow the window.
    tracemalloc.start()
    try:
        task_id = c.generation.generate_audio(segment.id)
        wait_for_tasks(qtbot, c, [task_id], timeout=120_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED
    _assert_recorded_audio_is_whole(c, segment.id)
    duration = c.segments.get(segment.id).audio_duration
    in_memory = duration * 24_000 * 4  # bytes, had the whole text's samples been kept as float32
    assert duration > 600 and peak < 20_000_000 < in_memory, (duration, peak)

    # Then the window while the same text is rendered again, as a user would see it.
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    try:
        task_id = c.generation.generate_audio(segment.id)
        ticks.restart()
        wait_for_tasks(qtbot, c, [task_id], timeout=120_000)
    finally:
        timer.stop()
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED
    assert longest_gap[0] < 500, f"the window did not repaint for {longest_gap[0]} ms"


# -- files ------------------------------------------------------------------------------------------
def test_a_truncated_model_file_fails_with_a_clear_message(
    qtbot, make_controller: MakeController, real_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "truncated"
    broken.mkdir()
    with (real_model_dir / "kokoro-v1.0.int8.onnx").open("rb") as whole:
        (broken / "kokoro-v1.0.int8.onnx").write_bytes(whole.read(5_000_000))
    (broken / "voices-v1.0.bin").write_bytes((real_model_dir / "voices-v1.0.bin").read_bytes())
    c = make_controller(broken)
    task_id = c.generation.generate_audio(c.segments.add("Hello.").id)
    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.FAILED
    assert "cannot be loaded: it is damaged or not a Kokoro ONNX model" in info.message
    assert "Traceback" not in info.message


def test_an_audio_folder_that_cannot_be_written_fails_the_task_clearly(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    segment = c.segments.add("Hello.")
    blocker = c.data_dir / "audio" / str(c.project.id)
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the folder should be")
    task_id = c.generation.generate_audio(segment.id)
    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.FAILED and info.message.startswith("Audio generation failed:")
    assert c.segments.get(segment.id).audio_file is None
    assert blocker.read_text() == "a file where the folder should be"


def test_a_full_disk_while_writing_keeps_the_earlier_audio(real_model_dir: Path, tmp_path: Path) -> None:
    """A real `narrator-app generate` whose writes fail past 150 kB (RLIMIT_FSIZE, as a full disk)."""
    data = tmp_path / "data"
    base = [sys.executable, "-m", "narrator_app", "--data-dir", str(data), "--model-dir", str(real_model_dir)]
    subprocess.run([*base, "segments", "add", "Short."], check=True, capture_output=True)
    first = subprocess.run([*base, "--json", "generate", "1"], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    audio = Path(json.loads(first.stdout)["audio_path"])  # the take's own file (issue 18)
    earlier = audio.read_bytes()
    long_text = "This sentence is long enough to need much more than the space that is left. " * 4
    subprocess.run([*base, "segments", "set", "1", "--text", long_text], check=True, capture_output=True)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing

    done = subprocess.run(
        [*base, "--json", "generate", "1"], capture_output=True, text=True, preexec_fn=small_disk
    )
    result = json.loads(done.stdout)
    assert done.returncode == 1 and result["status"] == "FAILED"
    assert result["message"].startswith("Audio generation failed:") and "Traceback" not in done.stderr
    assert audio.read_bytes() == earlier
    assert [p.name for p in (data / "audio" / "1").iterdir()] == [audio.name]  # no partial take left
    listed = subprocess.run([*base, "--json", "segments", "list"], capture_output=True, text=True, check=True)
    (segment,) = json.loads(listed.stdout)["segments"]
    assert segment["audio_duration"] == audio_duration(audio)
    assert segment["audio_status"] == "outdated" and segment["text"] == long_text


def _filled_database(path: Path) -> bytes:
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO projects (name, created_at) VALUES ('Book', '2026-01-01')")
    db.close()
    return path.read_bytes()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_database_is_refused_clearly_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    before = _filled_database(path)
    path.chmod(0o444)
    try:
        with pytest.raises(DatabaseError, match="read-only.*Nothing was changed"):
            open_database(path)
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_a_database_another_program_is_writing_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "narrator.sqlite3"
    _filled_database(path)
    monkeypatch.setattr("narrator_app.store.schema.BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO projects (name, created_at) VALUES ('Theirs', '2026-01-01')")
    try:
        with pytest.raises(DatabaseError, match="another program is writing to it"):
            open_database(path)
    finally:
        other.execute("COMMIT")
        other.close()
    db = open_database(path)  # once it is done, Narrator opens it, the other program's row intact
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM projects ORDER BY name").scalars().all() == [
            "Book",
            "Theirs",
        ]
    db.close()


def test_a_damaged_database_is_refused_clearly_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    data = bytearray(_filled_database(path))
    page = 4096
    data[page : 3 * page] = b"\xde\xad\xbe\xef" * (page // 2)  # pages 2 and 3: table b-trees
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="Cannot open the database.*left untouched"):
        open_database(path)
    assert path.read_bytes() == bytes(data)


def test_a_huge_import_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from narrator_app.core.textimport import ImportFileError, segments_from_file

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: no need to write 25 MB
    with pytest.raises(ImportFileError, match="up to 20 MB"):
        segments_from_file(huge)


# -- values -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"speed": 0.49}, "Speed must be between 0.5 and 2.0"),
        ({"speed": 2.01}, "Speed must be between"),
        ({"speed": math.nan}, "Speed must be between"),
        ({"speed": math.inf}, "Speed must be between"),
        ({"language": "xx-yy"}, "Unknown language 'xx-yy'"),
        ({"voice": "am_onyx"}, "Unknown voice 'am_onyx'; available voices: af_heart, am_michael"),
    ],
)
def test_settings_out_of_range_are_refused_and_not_stored(
    make_controller: MakeController, fake_model_dir: Path, values: dict, message: str
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    before = c.settings.current()
    with pytest.raises(SettingsError, match=message):
        c.settings.update(**values)
    assert c.settings.current() == before


def test_command_line_values_out_of_range_exit_2_with_a_message(tmp_path: Path, qapp, capsys) -> None:  # type: ignore[no-untyped-def]
    data = ["--data-dir", str(tmp_path / "data"), "--json"]
    for args, needle in [
        (["settings", "--speed", "nan"], "Speed must be between"),
        (["settings", "--speed", "-1"], "Speed must be between"),
        (["export", "--out", str(tmp_path / "x.wav"), "--pause", "nan"], "--pause must be between"),
        (["export", "--out", str(tmp_path / "x.wav"), "--pause", "-0.1"], "--pause must be between"),
        (["segments", "set", "abc", "--text", "x"], "invalid int value"),
    ]:
        try:
            code = main([*data, *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert code == 2 and needle in out["message"], (args, out)
    assert not (tmp_path / "x.wav").exists()


def test_a_stored_voice_the_voices_file_lacks_fails_the_task_naming_the_voices(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    c.repository.update_settings(default_voice_id="am_onyx", tts_speed=1.0)  # as an older voices file left it
    task_id = c.generation.generate_audio(c.segments.add("Hello.").id)
    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.FAILED
    assert (
        "Voice 'am_onyx' is not in the voices file" in info.message and "af_heart, am_michael" in info.message
    )


def test_ids_that_do_not_exist_are_refused_by_every_operation(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("The only one.")
    for refusal in (
        c.segments.update(404, text="x"),
        c.segments.update(404, locked=True),
        c.segments.move(404, 1),
        c.segments.duplicate(404),
        c.segments.split(404, 2),
        c.segments.merge_with_next(404),
        c.segments.delete(404),
        c.generation.generate_audio(404),
        c.generation.generate_audio(-1),
    ):
        assert isinstance(refusal, Refusal) and refusal.reason is RefusalReason.NOT_FOUND
    assert c.generation.cancel_segment(404) is False
    with pytest.raises(ProjectError, match="no longer exists"):
        c.projects.open(404)
    assert [s.text for s in c.segments.all()] == ["The only one."]


@pytest.mark.parametrize("name", ["Book", "book", "  BOOK ", "Book\t"])
def test_a_project_name_already_taken_is_refused_whatever_its_case_or_spaces(
    make_controller: MakeController, fake_model_dir: Path, name: str
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    c.projects.create("Book")
    other = c.projects.create("Other")
    with pytest.raises(ProjectError, match="There is already a project named 'Book'"):
        c.projects.create(name)
    with pytest.raises(ProjectError, match="There is already a project named 'Book'"):
        c.projects.rename(other.id, name)
    assert sorted(p.name for p, _ in c.projects.all()) == ["Book", "Default", "Other"]


def test_voices_archive_helpers_reject_non_archives(tmp_path: Path) -> None:
    from narrator_app.engine.voices import VoicesFileError, list_voices

    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(VoicesFileError, match="single array, not a voices archive"):
        list_voices(single)
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(VoicesFileError, match="not a Kokoro voices archive"):
        list_voices(empty)
