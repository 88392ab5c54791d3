"""Issue 12, items 7-11: a damaged lock, a read-only database, a full disk, damaged audio and
unreadable files are said plainly, and nothing of the user's is lost."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app import datalock
from narrator_app.app.controller import Controller
from narrator_app.app.datalock import LOCK_NAME
from narrator_app.cli import main
from narrator_app.core.rules import AudioStatus
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine import audio_files
from narrator_app.engine.model_files import locate_model_files
from narrator_app.engine.voices import VoicesFileError, list_voices
from narrator_app.store import open_database
from narrator_app.store.database import DatabaseError
from support import MakeController, wait_for_tasks


def _permissions_apply(tmp_path: Path) -> bool:
    """False for root with CAP_DAC_OVERRIDE (it writes read-only files); run such tests under
    `setpriv --bounding-set=-dac_override,-dac_read_search` to see them pass as root."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        with probe.open("a"):
            return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)


# -- 7. a lock file that names no process is stale -------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"garbage\n", b"0\n\n\n", b"\x00\xff\x00"])
def test_an_empty_or_damaged_lock_is_taken_over_and_logged(
    tmp_path: Path, qapp: object, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    Controller(data).shutdown()
    (data / LOCK_NAME).write_bytes(content)
    controller = Controller(data)  # not "Another Narrator (process 0 on )"
    try:
        assert "names no process" in caplog.text
    finally:
        controller.shutdown()
    assert not (data / LOCK_NAME).exists()


# -- 8. a read-only database is refused without leaving -wal/-shm behind ---------------------------
def test_a_refused_read_only_database_leaves_no_new_files_and_opens_once_writable(tmp_path: Path) -> None:
    if not _permissions_apply(tmp_path):
        pytest.skip("this user writes read-only files (root): run under setpriv to try it")
    path = tmp_path / "narrator.sqlite3"
    open_database(path).close()
    before = sorted(p.name for p in tmp_path.iterdir())
    path.chmod(0o444)
    with pytest.raises(DatabaseError, match="read-only.*Nothing was changed"):
        open_database(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no -wal, no -shm
    path.chmod(0o644)  # the fix the message asks for
    open_database(path).close()


# -- 9. a full disk ---------------------------------------------------------------------------------
def test_a_full_disk_names_the_cause_stops_the_batch_and_keeps_what_finished(
    qtbot, make_controller: MakeController, fake_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    c.generation.pool.setMaxThreadCount(1)  # one after the other: the third write is the first to fail
    ids = [c.segments.add(f"Segment number {n}.").id for n in range(6)]
    writes = {"n": 0}
    real_write = audio_files.TempWav.write

    def write(self, samples, rate):  # type: ignore[no-untyped-def]
        writes["n"] += 1
        if writes["n"] > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(self, samples, rate)

    monkeypatch.setattr(audio_files.TempWav, "write", write)
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids)
    tasks = [c.generation.task(t) for t in summary.task_ids]
    assert [t.status for t in tasks[:3]] == [TaskStatus.COMPLETED, TaskStatus.COMPLETED, TaskStatus.FAILED]
    folder = str(c.data_dir / "audio" / str(c.project.id))
    assert tasks[2].message.startswith("No space left on the device") and folder in tasks[2].message
    for later in tasks[3:]:  # never started: the batch stopped at the first full-disk failure
        assert later.status is TaskStatus.CANCELLED and "No space left" in later.message
    assert writes["n"] == 3
    for segment_id in ids[:2]:
        record = c.segments.get(segment_id)
        assert c.generation.audio_status(record)[0] is AudioStatus.READY
        assert sf.info(str(c.data_dir / record.audio_file)).frames > 0


def test_on_a_full_disk_the_lock_failure_says_no_space(
    tmp_path: Path, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FullDiskLock:  # what QLockFile meets on a full disk: it cannot write its file
        LockError = datalock.QLockFile.LockError

        def __init__(self, _path: str) -> None: ...
        def setStaleLockTime(self, _ms: int) -> None: ...  # noqa: N802
        def tryLock(self, _ms: int) -> bool:  # noqa: N802
            return False

        def error(self) -> object:
            return datalock.QLockFile.LockError.UnknownError

    monkeypatch.setattr(datalock, "QLockFile", FullDiskLock)
    monkeypatch.setattr(datalock, "write_probe_error", lambda _d: OSError(errno.ENOSPC, "No space"))
    with pytest.raises(DatabaseError, match=f"No space left on the device that holds {tmp_path}"):
        Controller(tmp_path)


# -- 10. audio damaged outside Narrator ------------------------------------------------------------
def test_damaged_audio_shows_as_damaged_is_rendered_again_and_never_exported(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    ids = [c.segments.add(f"Segment {n}.").id for n in range(4)]
    wait_for_tasks(qtbot, c, c.generation.generate_all().task_ids)
    paths = [c.data_dir / c.segments.get(i).audio_file for i in ids]
    whole = paths[0].read_bytes()
    paths[1].write_bytes(whole[: len(whole) // 2])  # cut short
    paths[2].write_bytes(b"garbage" * 1000)  # not a WAV
    paths[3].write_bytes(whole[:44] + whole[44:][: len(whole) // 3])  # header says more than is there
    statuses = [c.generation.audio_status(c.segments.get(i))[0] for i in ids]
    assert statuses == [AudioStatus.READY] + [AudioStatus.DAMAGED] * 3
    assert [r.id for r in c.exports.plan().missing] == ids[1:]
    c.segments.update(ids[1], locked=True)  # locked, damaged audio is not exported either
    assert ids[1] in [r.id for r in c.exports.plan().missing]
    c.segments.update(ids[1], locked=False)
    summary = c.generation.generate_all()
    assert summary.queued == 3 and summary.skipped_unchanged == 1
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert all(c.generation.audio_status(c.segments.get(i))[0] is AudioStatus.READY for i in ids)
    paths = [c.data_dir / str(c.segments.get(i).audio_file) for i in ids]  # the new takes' files
    paths[2].write_bytes(b"garbage" * 1000)
    c.shutdown()
    assert (
        main(
            ["--json", "--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "segments", "list"]
        )
        == 0
    )
    listed = json.loads(capsys.readouterr().out)["segments"]
    assert [s["audio_status"] for s in listed] == ["ready", "ready", "damaged", "ready"]
    assert main(["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "segments", "list"]) == 0
    assert "damaged" in capsys.readouterr().out.splitlines()[2]


def test_the_window_shows_damaged_audio_as_damaged(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from narrator_app.ui.segment_model import Column, SegmentTableModel

    c = make_controller(fake_model_dir, FakeKokoro())
    segment = c.segments.add("One.")
    wait_for_tasks(qtbot, c, c.generation.generate_all().task_ids)
    (c.data_dir / c.segments.get(segment.id).audio_file).write_bytes(b"RIFF broken")
    model = SegmentTableModel(c)
    assert model.data(model.index(0, Column.STATUS), Qt.ItemDataRole.DisplayRole) == "Damaged"


# -- 11. unreadable files, SQL, the data folder in use ----------------------------------------------
def test_unreadable_model_folder_and_voices_file_say_they_cannot_be_read(
    tmp_path: Path, fake_model_dir: Path
) -> None:
    if not _permissions_apply(tmp_path):
        pytest.skip("this user reads unreadable files (root): run under setpriv to try it")
    voices = fake_model_dir / "voices-v1.0.bin"
    voices.chmod(0o000)
    try:
        with pytest.raises(VoicesFileError, match="Cannot read the voices file.*Permission denied"):
            list_voices(voices)
    finally:
        voices.chmod(0o644)
    fake_model_dir.chmod(0o000)
    try:
        found = locate_model_files(tmp_path / "data", fake_model_dir)
    finally:
        fake_model_dir.chmod(0o755)
    assert "cannot be read" in found.problem and "not installed" not in found.problem


def test_a_database_changed_by_another_program_is_explained_without_sql(
    make_controller: MakeController, fake_model_dir: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("Kept.")
    c.shutdown()
    with sqlite3.connect(c.data_dir / "narrator.sqlite3") as conn:
        conn.execute("ALTER TABLE segments DROP COLUMN voice")
    for json_flag in ([], ["--json"]):
        assert main([*json_flag, "--data-dir", str(c.data_dir), "segments", "list"]) == 1
        captured = capsys.readouterr()
        output = captured.out + captured.err
        assert "[SQL" not in output and "sqlalche.me" not in output and "SELECT" not in output, output
        assert "does not have the tables this Narrator expects" in output
