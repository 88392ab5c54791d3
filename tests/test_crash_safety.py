"""kill -9 at many moments of generate-all and export, with the real model: nothing is lost or broken.

Each round runs a real `narrator-app` child process and kills it (SIGKILL) either from outside, when
its progress shows (a segment's WAV appears), or from inside at an exact step of a write
(tests/crash_child.py). After every kill the next start must find: a store that opens, every recorded
audio file present, complete and as long as recorded, no temporary files, no task running; and a
final generate-all must render only what is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from narrator_app.app.controller import Controller
from narrator_app.core.rules import AudioStatus

pytestmark = pytest.mark.real_model

CHILD = Path(__file__).with_name("crash_child.py")
TEXTS = [f"Line {word}." for word in ("one", "two", "three", "four", "five", "six")]


def _command(data: Path, model: Path, *args: str) -> list[str]:
    return [sys.executable, str(CHILD), "--data-dir", str(data), "--model-dir", str(model), "--json", *args]


def _run_killed_inside(data: Path, model: Path, kill_at: str, *args: str) -> None:
    env = {**os.environ, "NARRATOR_TEST_KILL_AT": kill_at}
    done = subprocess.run(_command(data, model, *args), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == -9, (
        f"{kill_at} was never reached: {done.returncode} {done.stdout} {done.stderr}"
    )


def _run_killed_when(qtbot, data: Path, model: Path, ready: int) -> None:  # type: ignore[no-untyped-def]
    """Start generate-all and kill it once `ready` segment WAVs exist in the audio folder."""
    audio = data / "audio" / "1"
    before = {p.name: p.stat().st_mtime_ns for p in audio.glob("segment_*.wav")} if audio.is_dir() else {}

    def new_files() -> int:
        if not audio.is_dir():
            return 0
        return sum(1 for p in audio.glob("segment_*.wav") if before.get(p.name) != _mtime(p))

    child = subprocess.Popen(
        _command(data, model, "generate-all"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        qtbot.waitUntil(lambda: new_files() >= ready or child.poll() is not None, timeout=120_000)
        assert child.poll() is None, "generate-all ended before the moment chosen to kill it"
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -9


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _check_store(data: Path, model: Path, exports: Path | None = None) -> dict[int, AudioStatus]:
    """Open as the next start would, and check every guarantee; returns each segment's status."""
    controller = Controller(data, model)
    try:
        assert controller.tasks.active() == []
        statuses = {}
        for record in controller.segments.all():
            statuses[record.id] = controller.generation.audio_status(record)[0]
            if record.audio_file is None:
                continue
            path = data / record.audio_file
            samples, rate = sf.read(str(path), dtype="float32")  # complete and readable, to the end
            assert len(samples) / rate == pytest.approx(record.audio_duration, abs=1e-6)
            assert len(samples) > 0
        leftovers = [p for p in (data / "audio").rglob("*") if p.name.startswith(".")]
        assert leftovers == []
        if exports is not None:
            assert [p.name for p in exports.iterdir() if p.name.startswith(".")] == []
        assert not list((data / "pending-exports").glob("*")) if (data / "pending-exports").exists() else True
        return statuses
    finally:
        controller.shutdown()


def _audio_file(data: Path, model: Path, segment_id: int) -> str:
    controller = Controller(data, model)
    try:
        record = controller.segments.get(segment_id)
        assert record is not None and record.audio_file is not None
        return record.audio_file
    finally:
        controller.shutdown()


def test_kill_9_during_a_render_leaves_the_current_take_intact(real_model_dir: Path, tmp_path: Path) -> None:
    data, model = tmp_path / "data", real_model_dir
    setup = Controller(data, model)
    segment = setup.segments.add("A line said once, then again.").id
    setup.shutdown()
    subprocess.run(
        _command(data, model, "generate", str(segment)), check=True, capture_output=True, timeout=300
    )
    current = _audio_file(data, model, segment)
    kept = (data / current).read_bytes()
    subprocess.run(_command(data, model, "settings", "--speed", "1.2"), check=True, capture_output=True)
    for kill_at in ("wav-written:1", "new-in-place:1"):
        _run_killed_inside(data, model, kill_at, "generate", str(segment))
        _check_store(data, model)
        assert _audio_file(data, model, segment) == current
        assert (data / current).read_bytes() == kept  # the current take, bit for bit
        listed = subprocess.run(
            _command(data, model, "segments", "takes", str(segment)),
            check=True,
            capture_output=True,
            text=True,
        )
        assert [t["take"] for t in json.loads(listed.stdout)["takes"]] == [1]
        assert sorted(p.name for p in (data / "audio" / "1").iterdir()) == [Path(current).name]
    # Killed once the new take is recorded: it is current, and the first take is still there, whole.
    _run_killed_inside(data, model, "recorded:1", "generate", str(segment))
    _check_store(data, model)
    listed = subprocess.run(
        _command(data, model, "segments", "takes", str(segment)), check=True, capture_output=True, text=True
    )
    takes = json.loads(listed.stdout)["takes"]
    assert [(t["take"], t["current"]) for t in takes] == [(1, False), (2, True)]
    assert (data / takes[0]["audio_file"]).read_bytes() == kept


def test_kill_9_during_generate_all_and_export_loses_nothing(
    qtbot, real_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    data, model = tmp_path / "data", real_model_dir
    setup = Controller(data, model)
    ids = [setup.segments.add(text).id for text in TEXTS]
    setup.shutdown()

    # First renders, killed: from outside as files appear, and from inside at each step of a write.
    _run_killed_when(qtbot, data, model, ready=1)
    _check_store(data, model)
    for kill_at in ("wav-written:1", "new-in-place:1", "recorded:1"):
        _run_killed_inside(data, model, kill_at, "generate-all")
        _check_store(data, model)

    # Replacing audio that exists: every segment outdated by a new speed, then killed again.
    subprocess.run(_command(data, model, "generate-all"), check=True, capture_output=True, timeout=300)
    assert set(_check_store(data, model).values()) == {AudioStatus.READY}
    subprocess.run(_command(data, model, "settings", "--speed", "1.2"), check=True, capture_output=True)
    # (A render writes a new take file beside the current one: nothing is moved aside any more.)
    for kill_at in ("wav-written:1", "new-in-place:2", "recorded:1"):
        _run_killed_inside(data, model, kill_at, "generate-all")
        _check_store(data, model)
    _run_killed_when(qtbot, data, model, ready=1)
    statuses = _check_store(data, model)

    # generate-all now renders exactly the segments without current audio, and leaves the others alone.
    missing = sorted(i for i, status in statuses.items() if status is not AudioStatus.READY)
    assert 0 < len(missing) < len(ids)
    ready_files = {i: (data / _audio_file(data, model, i)).stat() for i in ids if i not in missing}
    done = subprocess.run(_command(data, model, "generate-all"), capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(t["segment_id"] for t in result["tasks"]) == missing
    assert result["completed"] == len(missing) and result["skipped_unchanged"] == len(ids) - len(missing)
    for i, stat in ready_files.items():
        after = (data / _audio_file(data, model, i)).stat()
        assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert set(_check_store(data, model).values()) == {AudioStatus.READY}

    # Export: an earlier export survives a killed one untouched; the killed one's temporary files go.
    exports = tmp_path / "exports"
    out = exports / "book.wav"
    subprocess.run(_command(data, model, "export", "--out", str(out)), check=True, capture_output=True)
    earlier = out.read_bytes()
    for kill_at in ("export-writing:3", "export-renamed:1"):
        _run_killed_inside(
            data, model, kill_at, "export", "--out", str(out), "--subtitles", "srt", "--pause", "1"
        )
        _check_store(data, model, exports)
        if kill_at == "export-writing:3":
            assert out.read_bytes() == earlier
    # Killed after the audio was renamed into place: the new export is complete, its subtitles absent.
    assert sf.info(str(out)).duration == pytest.approx(sf.info(str(out)).frames / 24_000)
    done = subprocess.run(
        _command(data, model, "export", "--out", str(out), "--subtitles", "srt"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (exports / "book.srt").read_text(encoding="utf-8").count("-->") == len(ids)
