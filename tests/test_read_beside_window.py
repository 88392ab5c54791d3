"""Issue 19, item 11: commands that only read run beside the window that holds the data folder;
commands that change things are still refused, with their own exit code (7)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf
from PySide6.QtCore import QLockFile

from fakes import FakeKokoro
from migration_fixtures import make_first_release_database
from narrator_app.app.controller import Controller
from narrator_app.app.datalock import LOCK_NAME
from narrator_app.cli import main
from narrator_app.cli.main import _HANDLERS, READ_ONLY_COMMANDS
from narrator_app.paths import database_path
from support import MakeController, wait_for_tasks

EXIT_IN_USE = 7


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], fake_model_dir: Path):  # type: ignore[no-untyped-def]
    """The command line in this process: a second holder of the folder, as another process is."""

    def run(data_dir: Path, *args: str) -> tuple[int, dict[str, Any]]:
        code = main(["--data-dir", str(data_dir), "--model-dir", str(fake_model_dir), *args, "--json"])
        captured = capsys.readouterr()
        lines = [line for line in (captured.out or captured.err).splitlines() if line.strip()]
        assert len(lines) == 1, (captured.out, captured.err)
        return code, json.loads(lines[0])

    return run


def window_with_audio(qtbot, make_controller: MakeController, fake_model_dir: Path) -> Controller:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    ids = [c.generation.generate_audio(c.segments.add(text).id) for text in ("One.", "Two.")]
    wait_for_tasks(qtbot, c, ids)  # type: ignore[arg-type]
    c.segments.add("Not generated.")
    c.chapters.add("Second part")
    return c


def data_files(data_dir: Path) -> dict[str, str]:
    """Every file of the data folder with its hash, but SQLite's own -wal/-shm and the lock."""
    skip = ("-wal", "-shm", LOCK_NAME)
    return {
        str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and not p.name.endswith(skip)
    }


def rows(data_dir: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database_path(data_dir)) as conn:
        return conn.execute("SELECT id, text, audio_file, chapter_id FROM segments ORDER BY id").fetchall()


def test_the_read_only_commands_are_every_handler_that_only_reads() -> None:
    assert READ_ONLY_COMMANDS <= set(_HANDLERS)
    changing = set(_HANDLERS) - READ_ONLY_COMMANDS
    assert {"segments add", "segments set", "generate", "import", "models install"} <= changing
    assert {"segments list", "chapters list", "models status", "export", "lexicon list"} <= READ_ONLY_COMMANDS


def test_reading_commands_run_beside_the_window_and_change_nothing(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    c = window_with_audio(qtbot, make_controller, fake_model_dir)
    data = c.data_dir
    before_files, before_rows = data_files(data), rows(data)

    code, out = cli(data, "segments", "list")
    assert code == 0
    listed = [(s["id"], s["text"], s["audio_status"]) for s in out["segments"]]
    assert listed == [(1, "One.", "ready"), (2, "Two.", "ready"), (3, "Not generated.", "none")]
    code, out = cli(data, "chapters", "list")
    assert code == 0 and [ch["title"] for ch in out["chapters"]][-1] == "Second part"
    assert sum(ch["ready"] for ch in out["chapters"]) == 2
    code, out = cli(data, "projects", "list")
    assert code == 0 and [(p["name"], p["segments"]) for p in out["projects"]] == [("Default", 3)]
    code, out = cli(data, "segments", "takes", "1")
    assert code == 0 and len(out["takes"]) == 1
    code, out = cli(data, "settings")
    assert code == 0 and out["language"] == "en-us" and out["default_voice_id"]
    code, out = cli(data, "lexicon", "list")
    assert code == 0 and out["entries"] == []
    code, status_beside = cli(data, "models", "status")
    assert code != EXIT_IN_USE and status_beside["model_file"] == str(
        fake_model_dir / "kokoro-v1.0.int8.onnx"
    )

    story = tmp_path / "out" / "story.wav"
    story.parent.mkdir()
    code, out = cli(data, "export", "--out", str(story), "--subtitles", "srt", "--skip-missing")
    assert code == 0 and out["segments"] == 2
    assert sf.info(str(story)).duration == pytest.approx(0.5 + 0.5 + 0.5, abs=1e-3)
    assert "Two." in (tmp_path / "out" / "story.srt").read_text(encoding="utf-8")

    # Nothing changed in the data folder (no export journal, no repair, no lock of their own) …
    assert data_files(data) == before_files and rows(data) == before_rows
    assert not (data / "pending-exports").exists()
    # … and the window writes as before, while and after they ran.
    added = c.segments.add("Written by the window after the readers.")
    assert rows(data)[-1][:2] == (added.id, "Written by the window after the readers.")
    code, out = cli(data, "segments", "list")
    assert out["segments"][-1]["text"] == "Written by the window after the readers."

    c.shutdown()  # alone, the same command says the same
    code, status_alone = cli(data, "models", "status")
    assert status_alone == status_beside


def test_a_reader_leaves_the_windows_undo_alone(
    qtbot, make_controller: MakeController, fake_model_dir: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    """The window keeps a deleted segment's audio in deleted-audio/ for Undo; a reader must not
    sweep it as a fresh start of the folder's holder does."""
    c = window_with_audio(qtbot, make_controller, fake_model_dir)
    audio = c.data_dir / str(c.segments.get(2).audio_file)
    c.segments.delete(2)
    assert not audio.exists()
    code, out = cli(c.data_dir, "segments", "list")
    assert code == 0 and [s["id"] for s in out["segments"]] == [1, 3]
    c.edits.undo()
    assert audio.is_file() and c.segments.get(2).audio_file is not None


def test_commands_that_change_things_are_refused_with_exit_7(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    c = window_with_audio(qtbot, make_controller, fake_model_dir)
    data = c.data_dir
    before_files, before_rows = data_files(data), rows(data)
    for args in (
        ("segments", "add", "x"),
        ("segments", "set", "1", "--text", "changed"),
        ("settings", "--speed", "1.2"),
        ("chapters", "add", "Third"),
        ("generate-all",),
        ("lexicon", "add", "Nara", "--say", "Narra"),
        ("lexicon", "export", "--out", str(data / "lexicon.pls")),  # into the data folder: a write there
    ):
        code, out = cli(data, *args)
        assert (code, out["reason"]) == (EXIT_IN_USE, "in_use"), args
        assert "Another Narrator" in out["message"]
    assert data_files(data) == before_files and rows(data) == before_rows
    code, out = cli(data, "lexicon", "export", "--out", str(tmp_path / "lexicon.pls"))
    assert code == 0 and (tmp_path / "lexicon.pls").is_file()  # outside it: only reads the project


def test_a_reader_is_not_held_up_by_a_write_in_progress_nor_sees_it(
    qtbot, make_controller: MakeController, fake_model_dir: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    c = window_with_audio(qtbot, make_controller, fake_model_dir)
    writer = sqlite3.connect(database_path(c.data_dir), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the window in the middle of a transaction
        writer.execute("UPDATE segments SET text = 'half-written' WHERE id = 1")
        writer.execute("DELETE FROM segments WHERE id = 2")
        started = time.monotonic()
        code, out = cli(c.data_dir, "segments", "list")
        took = time.monotonic() - started
        assert code == 0 and [s["text"] for s in out["segments"]] == ["One.", "Two.", "Not generated."]
        assert took < 3.0  # no waiting on the writer (its busy timeout is 5 s)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    # A reader open beside the window does not hold up the window's writes, and sees each one.
    reader = Controller(c.data_dir, fake_model_dir, read_only=True)
    try:
        assert [s.text for s in reader.segments.all()] == ["One.", "Two.", "Not generated."]
        c.segments.update(1, text="Edited in the window.")
        c.segments.add("Added in the window.")
        assert [s.text for s in reader.segments.all()][0] == "Edited in the window."
        assert reader.segments.all()[-1].text == "Added in the window."
        with pytest.raises(Exception, match="readonly|read-only|query_only"):
            reader.repository.add_segment(reader.project.id, "through the reader")
    finally:
        reader.shutdown()
    assert (c.data_dir / LOCK_NAME).exists()  # still the window's
    assert c.segments.add("The window still writes.").text == "The window still writes."


def test_a_reader_does_not_upgrade_a_database_in_use(tmp_path: Path, qapp: object, cli) -> None:  # type: ignore[no-untyped-def]
    """An older Narrator holds a folder whose database this one would migrate: a reader says so."""
    data = tmp_path / "data"
    data.mkdir()
    make_first_release_database(database_path(data))
    before = hashlib.sha256(database_path(data).read_bytes()).hexdigest()
    holder = QLockFile(str(data / LOCK_NAME))
    assert holder.tryLock(0)
    try:
        code, out = cli(data, "segments", "list")
        assert (code, out["reason"]) == (EXIT_IN_USE, "needs_upgrade")
        assert "needs an upgrade" in out["message"] and "Close that one" in out["message"]
        assert hashlib.sha256(database_path(data).read_bytes()).hexdigest() == before
        assert [p.name for p in data.iterdir() if "backup" in p.name] == []
    finally:
        holder.unlock()


def test_another_process_lists_beside_the_window(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = window_with_audio(qtbot, make_controller, fake_model_dir)
    base = [sys.executable, "-m", "narrator_app", "--data-dir", str(c.data_dir)]
    base += ["--model-dir", str(fake_model_dir)]
    done = subprocess.run([*base, "segments", "list", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [s["text"] for s in json.loads(done.stdout)["segments"]] == ["One.", "Two.", "Not generated."]
    refused = subprocess.run([*base, "segments", "add", "x"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == EXIT_IN_USE and "Another Narrator" in refused.stderr
    assert [s.text for s in c.segments.all()] == ["One.", "Two.", "Not generated."]
