"""Direction wired in: tags and a segment's own speed in generation, refusals of malformed tags (the
controller, generate-all, the command line), per-segment speed and pause with undo, and the export's
pause after a segment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app.exporting import ExportRequest
from narrator_app.cli import main
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason, SettingsError
from narrator_app.core.tasks import TaskStatus
from support import MakeController, wait_for_tasks

RATE = 24_000


def silences(samples: np.ndarray, *, floor: float = 1e-4, shortest: float = 0.3) -> list[float]:
    """The lengths (s) of the stretches of digital silence at least `shortest` long."""
    quiet = np.abs(samples) < floor
    runs, count = [], 0
    for q in np.append(quiet, False):
        if q:
            count += 1
        else:
            if count / RATE >= shortest:
                runs.append(count / RATE)
            count = 0
    return runs


def generate(qtbot, c, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    task = c.generation.generate_audio(segment_id)
    assert isinstance(task, str), task
    wait_for_tasks(qtbot, c, [task])
    info = c.generation.task(task)
    assert info.status is TaskStatus.COMPLETED, info.message


def test_tags_never_reach_the_model_and_a_plain_text_is_sent_as_before(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    plain = c.segments.add("A plain line, as before.")
    tagged = c.segments.add("One. [pause 1s] Two [voice am_michael]three[/voice] [speed 1.5]four.[/speed]")
    generate(qtbot, c, plain.id)
    assert fake_kokoro.calls == [("A plain line, as before.", "af_heart", 1.0, "en-us")]
    fake_kokoro.calls.clear()
    generate(qtbot, c, tagged.id)
    texts = [call[0] for call in fake_kokoro.calls]
    assert not any("[" in t or "]" in t or "pause" in t or "voice" in t for t in texts), texts
    assert [(call[1], call[2]) for call in fake_kokoro.calls] == [
        ("af_heart", 1.0),
        ("af_heart", 1.0),
        ("am_michael", 1.0),
        ("af_heart", 1.5),
    ]


def test_a_segments_own_speed_is_its_base_speed_and_in_its_fingerprint(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    record = c.segments.add("Slow down. [speed 2]Fast.[/speed]")
    c.segments.set_direction(record.id, speed=0.5)
    generate(qtbot, c, record.id)
    assert [call[2] for call in fake_kokoro.calls] == [0.5, 2.0]
    record = c.segments.get(record.id)
    assert json.loads(record.audio_fingerprint)["speed"] == 0.5
    assert "pause_after" not in json.loads(record.audio_fingerprint)  # stable: not stored
    assert c.generation.audio_status(record)[0] is AudioStatus.READY
    # The pause after it is for the export only: the audio stays current.
    c.segments.set_direction(record.id, pause_after=3.0)
    assert c.generation.audio_status(c.segments.get(record.id))[0] is AudioStatus.READY
    c.settings.update(speed=1.3)  # the global speed does not touch a segment with its own
    assert c.generation.audio_status(c.segments.get(record.id))[0] is AudioStatus.READY
    c.segments.set_direction(record.id, speed=None)  # back to the global 1.3
    status, why = c.generation.audio_status(c.segments.get(record.id))
    assert status is AudioStatus.OUTDATED and "speed" in why


def test_malformed_tags_are_refused_up_front_with_their_position(
    make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    cases = {
        "Wait [pause forever] here.": "[pause forever] at line 1, column 6",
        "Hi.\n[voice nobody]x[/voice]": "at line 2, column 1",
        "An [voice am_michael]unclosed passage.": "Unclosed [voice am_michael] at line 1, column 4",
    }
    for text, where in cases.items():
        record = c.segments.add(text)
        refusal = c.generation.generate_audio(record.id)
        assert isinstance(refusal, Refusal), text
        assert refusal.reason is RefusalReason.INVALID
        assert where in refusal.message and "malformed tag" in refusal.message, refusal.message
    assert "nobody" in c.generation.generate_audio(c.segments.all()[1].id).message
    assert fake_kokoro.calls == [] and c.generation.tasks.active() == []
    # The earlier rules come first: a locked segment with a bad tag is refused as locked.
    locked = c.segments.add("[pause forever]", locked=True)
    assert c.generation.generate_audio(locked.id).reason is RefusalReason.LOCKED


def test_generate_all_skips_a_malformed_segment_and_reports_it(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    good = c.segments.add("Fine. [pause 500ms] Also fine.")
    bad = c.segments.add("Broken [paus 2s] tag.")
    c.segments.add("Another [/speed] one.")
    summary = c.generation.generate_all()
    assert not isinstance(summary, Refusal)
    assert (summary.queued, summary.skipped_invalid) == (1, 2)
    assert "[paus 2s] at line 1, column 8" in summary.invalid_message
    assert f"Segment {bad.id}" in summary.invalid_message
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert c.segments.get(good.id).has_audio and not c.segments.get(bad.id).has_audio


def test_speed_and_pause_edits_are_checked_and_undone(
    make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    record = c.segments.add("A line.")
    with pytest.raises(SettingsError, match="0.5 to 2.0"):
        c.segments.set_direction(record.id, speed=2.5)
    with pytest.raises(SettingsError, match="0 to 30"):
        c.segments.set_direction(record.id, pause_after=31)
    assert c.edits.history.undo_count == 1  # only the add; nothing changed
    c.segments.set_direction(record.id, speed=0.8)
    c.segments.set_direction(record.id, pause_after=2.5)
    assert c.edits.history.undo_label == "Set pause after"
    got = c.segments.get(record.id)
    assert (got.speed, got.pause_after) == (0.8, 2.5)
    assert not isinstance(c.edits.undo(), Refusal)
    got = c.segments.get(record.id)
    assert (got.speed, got.pause_after) == (0.8, None)
    assert c.edits.undo().label == "Set speed"
    got = c.segments.get(record.id)
    assert (got.speed, got.pause_after) == (None, None)
    c.edits.redo()
    c.edits.redo()
    got = c.segments.get(record.id)
    assert (got.speed, got.pause_after) == (0.8, 2.5)
    # Setting the same values again is no step.
    count = c.edits.history.undo_count
    c.segments.set_direction(record.id, speed=0.8, pause_after=2.5)
    assert c.edits.history.undo_count == count
    # A locked segment keeps its speed, but its pause after it (export only) can change.
    c.segments.update(record.id, locked=True)
    assert c.segments.set_direction(record.id, speed=1.0).reason is RefusalReason.LOCKED
    assert c.segments.set_direction(record.id, pause_after=1.0).pause_after == 1.0


def test_the_export_uses_a_segments_pause_after(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro, tmp_path: Path
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    first = c.segments.add("First.")
    second = c.segments.add("Second.")
    third = c.segments.add("Third.")
    c.segments.set_direction(first.id, pause_after=2.0)
    for record in (first, second, third):
        generate(qtbot, c, record.id)
    out = tmp_path / "book.wav"
    with qtbot.waitSignal(c.exports.finished, timeout=30_000):
        plan, started = c.exports.start(ExportRequest(out, pause=0.5))
    assert started
    samples, rate = sf.read(str(out), dtype="float32")
    assert rate == RATE
    gaps = silences(samples, shortest=0.2)
    assert len(gaps) == 2
    assert gaps[0] == pytest.approx(2.0, abs=0.02) and gaps[1] == pytest.approx(0.5, abs=0.02)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_model_dir: Path, qapp: object):  # type: ignore[no-untyped-def]
    def run_cli(*args: str) -> tuple[int, dict[str, Any]]:
        argv = ["--data-dir", str(tmp_path / "data"), "--model-dir", str(fake_model_dir)]
        try:
            code = main([*argv, *args, "--json"])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
        assert len(lines) == 1, lines
        return code, json.loads(lines[0])

    return run_cli


def test_the_command_line_sets_speed_and_pause_and_refuses_a_malformed_tag(run) -> None:  # type: ignore[no-untyped-def]
    code, added = run("segments", "add", "Say it [pause forever] now.")
    assert code == 0
    code, refused = run("generate", str(added["id"]))
    assert code == 2 and refused["reason"] == "invalid"
    assert "[pause forever] at line 1, column 8" in refused["message"]

    code, changed = run("segments", "set", str(added["id"]), "--speed", "0.75", "--pause-after", "2")
    assert code == 0 and (changed["speed"], changed["pause_after"]) == (0.75, 2.0)
    code, listed = run("segments", "list")
    assert (listed["segments"][0]["speed"], listed["segments"][0]["pause_after"]) == (0.75, 2.0)
    code, cleared = run("segments", "set", str(added["id"]), "--speed", "")
    assert code == 0 and (cleared["speed"], cleared["pause_after"]) == (None, 2.0)
    code, bad = run("segments", "set", str(added["id"]), "--speed", "3")
    assert code == 2 and "0.5 to 2.0" in bad["message"]
    code, bad = run("segments", "set", str(added["id"]), "--pause-after", "soon")
    assert code == 2 and "--pause-after takes a number" in bad["message"]

    code, summary = run("generate-all")
    assert summary["skipped_invalid"] == 1 and "[pause forever]" in summary["invalid_message"]


def test_real_model_a_2s_pause_is_one_stretch_of_silence_and_speed_changes_duration(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:
    c = make_controller(real_model_dir)
    paused = c.segments.add("The door opened. [pause 2s] Nobody was there.")
    generate(qtbot, c, paused.id)
    samples, rate = sf.read(str(c.segments.audio_path(c.segments.get(paused.id))), dtype="float32")
    assert rate == RATE
    long_quiet = silences(samples, floor=1e-4, shortest=1.0)
    assert len(long_quiet) == 1 and long_quiet[0] == pytest.approx(2.0, abs=0.1), long_quiet

    plain = c.segments.add("The lamp was lit at dusk.")
    generate(qtbot, c, plain.id)
    normal = c.segments.get(plain.id).audio_duration
    c.segments.set_direction(plain.id, speed=0.5)
    assert c.generation.audio_status(c.segments.get(plain.id))[0] is AudioStatus.OUTDATED
    generate(qtbot, c, plain.id)
    slow = c.segments.get(plain.id).audio_duration
    assert slow / normal == pytest.approx(2.0, rel=0.25), (normal, slow)
