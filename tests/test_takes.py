"""Takes and trim: every render kept, one current, trims heard everywhere, all of it undoable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.cli import main
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.export import export_narration
from narrator_app.engine.trim import silence_trim


def render(qtbot, controller: Controller, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    task_id = controller.generation.generate_audio(segment_id)
    assert isinstance(task_id, str), task_id
    qtbot.waitUntil(lambda: not controller.generation.task(task_id).status.is_active, timeout=120_000)
    info = controller.generation.task(task_id)
    assert info.status is TaskStatus.COMPLETED, info.message


def takes_of(controller: Controller, segment_id: int):  # type: ignore[no-untyped-def]
    result = controller.takes.list(segment_id)
    assert not isinstance(result, Refusal)
    return result


def test_two_renders_two_takes_and_use_take_brings_the_first_back(
    qtbot, make_controller, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("One sentence. Another one.")
    render(qtbot, controller, record.id)
    first = takes_of(controller, record.id)[0]
    first_bytes = (controller.data_dir / first.audio_file).read_bytes()
    controller.settings.update(speed=1.25)  # the fake speaks faster: another file, another length
    render(qtbot, controller, record.id)

    takes = takes_of(controller, record.id)
    assert [(t.number, t.current) for t in takes] == [(1, False), (2, True)]
    assert takes[0].audio_file != takes[1].audio_file
    assert (controller.data_dir / takes[0].audio_file).read_bytes() == first_bytes  # never overwritten
    assert takes[1].duration < takes[0].duration and takes[1].speed == 1.25
    assert controller.takes.counts() == {record.id: 2}

    used = controller.takes.use(record.id, 1)
    assert not isinstance(used, Refusal)
    segment = controller.segments.get(record.id)
    assert segment is not None and segment.audio_file == first.audio_file
    assert controller.segments.audio_path(segment).read_bytes() == first_bytes  # type: ignore[union-attr]
    status, why = controller.generation.audio_status(segment)
    assert status is AudioStatus.OUTDATED and "speed" in why  # take 1 was made at speed 1.0

    assert controller.edits.history.undo_label == "Use take"
    assert not isinstance(controller.edits.undo(), Refusal)
    assert controller.segments.get(record.id).audio_file == takes[1].audio_file  # type: ignore[union-attr]
    assert controller.generation.audio_status(controller.segments.get(record.id))[0] is AudioStatus.READY  # type: ignore[arg-type]
    assert not isinstance(controller.edits.redo(), Refusal)
    assert controller.segments.get(record.id).audio_file == first.audio_file  # type: ignore[union-attr]
    assert isinstance(controller.takes.use(record.id, 9), Refusal)


def test_trims_change_durations_exports_and_cues(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    a = controller.segments.add("First.")
    b = controller.segments.add("Second.")
    for record in (a, b):
        render(qtbot, controller, record.id)
    whole = controller.segments.get(a.id).audio_duration  # type: ignore[union-attr]
    assert whole == pytest.approx(0.5)

    trimmed = controller.takes.trim(a.id, 0.1, 0.15)
    assert not isinstance(trimmed, Refusal)
    assert trimmed.trimmed_duration == pytest.approx(0.25)
    assert controller.takes.heard_duration(controller.segments.get(a.id)) == pytest.approx(0.25)  # type: ignore[arg-type]
    too_long = controller.takes.trim(a.id, 0.3, 0.3)
    assert isinstance(too_long, Refusal) and too_long.reason is RefusalReason.INVALID
    assert controller.takes.trims() == {a.id: (0.1, 0.15)}  # the refused trim changed nothing

    out = tmp_path / "out" / "book.wav"
    result = export_narration(controller.exports.plan().items, out, pause=0.5, subtitles="srt")
    assert result.duration == pytest.approx(0.25 + 0.5 + 0.5)
    samples, rate = sf.read(str(out), dtype="float32")
    assert len(samples) == round((0.25 + 0.5 + 0.5) * rate)
    source, _ = sf.read(str(controller.segments.audio_path(controller.segments.get(a.id))), dtype="float32")  # type: ignore[arg-type]
    expected = np.round(source[2400:8400] * 32767) / 32767
    assert np.allclose(samples[:6000], expected, atol=1e-4)  # the kept middle, sample for sample
    srt = (tmp_path / "out" / "book.srt").read_text(encoding="utf-8")
    assert "00:00:00,000 --> 00:00:00,250" in srt and "00:00:00,750 --> 00:00:01,250" in srt

    assert not isinstance(controller.edits.undo(), Refusal)  # the trim
    assert controller.takes.trims() == {}
    assert not isinstance(controller.edits.redo(), Refusal)
    assert controller.takes.trims() == {a.id: (0.1, 0.15)}
    assert not isinstance(controller.takes.trim(a.id, 0, 0), Refusal)  # 0/0: the whole take again
    assert export_narration(controller.exports.plan().items, out).duration == pytest.approx(1.5)


def test_the_take_limit_drops_the_oldest_spare_take_and_its_file(
    qtbot, make_controller, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    controller.takes.set_settings(2, None)
    assert controller.takes.settings() == (2, None)
    record = controller.segments.add("Words.")
    render(qtbot, controller, record.id)
    render(qtbot, controller, record.id)
    oldest = takes_of(controller, record.id)[0]
    render(qtbot, controller, record.id)
    takes = takes_of(controller, record.id)
    assert [(t.number, t.current) for t in takes] == [(2, False), (3, True)]  # the oldest went
    assert not (controller.data_dir / oldest.audio_file).exists()
    assert all((controller.data_dir / t.audio_file).is_file() for t in takes)
    folder = controller.data_dir / "audio" / str(controller.project.id)
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(t.audio_file).name for t in takes)


def test_delete_take_undo_redo_and_segment_delete_keeps_every_take(
    qtbot, make_controller, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("Words.")
    render(qtbot, controller, record.id)
    render(qtbot, controller, record.id)
    one, two = takes_of(controller, record.id)
    one_bytes = (controller.data_dir / one.audio_file).read_bytes()
    refused = controller.takes.delete(record.id, 2)
    assert isinstance(refused, Refusal) and "use another take first" in refused.message

    assert not isinstance(controller.takes.delete(record.id, 1), Refusal)
    assert not (controller.data_dir / one.audio_file).exists()
    assert [t.number for t in takes_of(controller, record.id)] == [2]
    assert not isinstance(controller.edits.undo(), Refusal)
    assert [t.number for t in takes_of(controller, record.id)] == [1, 2]
    assert (controller.data_dir / one.audio_file).read_bytes() == one_bytes
    assert not isinstance(controller.edits.redo(), Refusal)
    assert not (controller.data_dir / one.audio_file).exists()
    assert not isinstance(controller.edits.undo(), Refusal)

    # A deleted segment comes back with all its takes and their files, the current one current.
    assert not isinstance(controller.segments.delete(record.id), Refusal)
    assert not any((controller.data_dir / t.audio_file).exists() for t in (one, two))
    assert not isinstance(controller.edits.undo(), Refusal)
    back = takes_of(controller, record.id)
    assert [(t.number, t.current) for t in back] == [(1, False), (2, True)]
    assert (controller.data_dir / one.audio_file).read_bytes() == one_bytes
    assert controller.segments.get(record.id).audio_file == two.audio_file  # type: ignore[union-attr]
    assert controller.generation.audio_status(controller.segments.get(record.id))[0] is AudioStatus.READY  # type: ignore[arg-type]
    assert not isinstance(controller.edits.redo(), Refusal)  # deleted again: the files are kept aside
    assert not any((controller.data_dir / t.audio_file).exists() for t in (one, two))
    assert not isinstance(controller.edits.undo(), Refusal)
    assert all((controller.data_dir / t.audio_file).is_file() for t in (one, two))


def test_recovery_keeps_take_files_and_removes_unrecorded_ones(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("Words.")
    render(qtbot, controller, record.id)
    render(qtbot, controller, record.id)
    takes = takes_of(controller, record.id)
    folder = controller.data_dir / "audio" / str(controller.project.id)
    stray = folder / f"segment_{record.id}_take3_abcdef.wav"  # a render killed before it was recorded
    stray.write_bytes((controller.data_dir / takes[0].audio_file).read_bytes())
    controller.shutdown()

    again = Controller(tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro())
    try:
        assert stray in again.recovery.removed and not stray.exists()
        assert all((again.data_dir / t.audio_file).is_file() for t in takes)
        assert not any(
            p.startswith(str(folder / "segment")) and "take" in p
            for p in map(str, again.recovery.removed)
            if p != str(stray)
        )
        assert [t.number for t in again.takes.list(record.id)] == [1, 2]  # type: ignore[union-attr]
    finally:
        again.shutdown()


def test_takes_on_the_command_line(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("Words.")
    render(qtbot, controller, record.id)
    render(qtbot, controller, record.id)
    first = takes_of(controller, record.id)[0]
    first_bytes = (controller.data_dir / first.audio_file).read_bytes()
    controller.shutdown()
    base = ["--data-dir", str(tmp_path / "data"), "--model-dir", str(fake_model_dir), "--json"]

    def run(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        capsys.readouterr()
        code = main(["segments", *args, *base])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else {}

    code, listed = run("takes", str(record.id))
    assert code == 0
    assert [(t["take"], t["current"]) for t in listed["takes"]] == [(1, False), (2, True)]
    assert set(listed["takes"][0]) >= {
        "take",
        "audio_file",
        "duration",
        "created_at",
        "current",
        "voice",
        "speed",
    }
    assert listed["takes"][0]["voice"] == "af_heart" and listed["takes"][0]["speed"] == 1.0
    code, used = run("use-take", str(record.id), "1")
    assert code == 0 and used["take"] == 1
    assert (tmp_path / "data" / listed["takes"][0]["audio_file"]).read_bytes() == first_bytes
    code, _ = run("takes", str(record.id))
    assert run("trim", str(record.id), "--start", "0.1", "--end", "0.1")[0] == 0
    assert run("takes", str(record.id))[1]["takes"][0]["trimmed_duration"] == pytest.approx(0.3)
    (listed_segment,) = run("list")[1]["segments"]  # the list gives the length heard too
    assert listed_segment["heard_duration"] == pytest.approx(0.3)
    assert listed_segment["audio_duration"] == pytest.approx(0.5)  # the whole file, as before
    capsys.readouterr()
    assert main(["segments", "list", *base[:-1]]) == 0
    assert "   0.3s  Words." in capsys.readouterr().out
    assert run("trim", str(record.id), "--start", "0.3", "--end", "0.3")[0] == 2  # longer than the audio
    assert run("trim", str(record.id), "--start", "0", "--end", "0")[0] == 0
    assert run("takes", str(record.id))[1]["takes"][0]["trimmed_duration"] == pytest.approx(0.5)
    assert run("delete-take", str(record.id), "1")[0] == 2  # the current one, while take 2 exists
    assert run("delete-take", str(record.id), "2")[0] == 0
    assert [t["take"] for t in run("takes", str(record.id))[1]["takes"]] == [1]
    assert run("takes", "999")[0] == 4
    assert run("use-take", str(record.id), "7")[0] == 4
    assert run("delete-take", str(record.id), "7")[0] == 4


def test_silence_trim_finds_the_silent_ends(tmp_path: Path) -> None:
    rate = 24_000
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
    samples = np.concatenate([np.zeros(rate // 2), tone, np.zeros(rate)]).astype(np.float32)
    path = tmp_path / "quiet-ends.wav"
    sf.write(str(path), samples, rate, subtype="PCM_16")
    start, end = silence_trim(path, 0.1)
    assert start == pytest.approx(0.4, abs=0.011) and end == pytest.approx(0.9, abs=0.011)
    assert silence_trim(path, 2.0) == (0.0, 0.0)  # no silence longer than the margin
    sf.write(str(path), np.zeros(rate, np.float32), rate, subtype="PCM_16")
    assert silence_trim(path, 0.1) == (0.0, 0.0)  # silent throughout: nothing to go by


class QuietEndsKokoro(FakeKokoro):
    """Speaks with a second of silence before and after: something for auto-trim to cut."""

    async def create_stream(self, text, voice, speed=1.0, lang="en-us", is_phonemes=False):  # type: ignore[no-untyped-def,override]
        silence = np.zeros(24_000, np.float32)
        yield silence, 24_000
        async for piece in super().create_stream(text, voice, speed, lang, is_phonemes):
            yield piece
        yield silence, 24_000


def test_auto_trim_on_render(qtbot, make_controller, fake_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, QuietEndsKokoro())
    record = controller.segments.add("Words.")
    render(qtbot, controller, record.id)
    assert takes_of(controller, record.id)[0].trim_start == 0  # off by default
    controller.takes.set_settings(5, 0.05)
    render(qtbot, controller, record.id)
    take = takes_of(controller, record.id)[1]
    assert take.duration == pytest.approx(2.5)
    assert take.trim_start == pytest.approx(0.95, abs=0.011) and take.trim_end == pytest.approx(
        0.95, abs=0.011
    )
    assert controller.takes.heard_duration(controller.segments.get(record.id)) == pytest.approx(0.6, abs=0.02)  # type: ignore[arg-type]


def test_two_real_renders_give_two_takes_that_decode(qtbot, make_controller, real_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(real_model_dir)
    controller.settings.update(voice="jf_alpha", language="en-us")
    record = controller.segments.add("A short line, said twice.")
    render(qtbot, controller, record.id)
    controller.settings.update(speed=1.3)
    render(qtbot, controller, record.id)
    takes = takes_of(controller, record.id)
    assert [(t.number, t.current, t.speed) for t in takes] == [(1, False, 1.0), (2, True, 1.3)]
    lengths = []
    for take in takes:
        samples, rate = sf.read(str(controller.data_dir / take.audio_file), dtype="float32")
        assert rate == 24_000 and len(samples) / rate == pytest.approx(take.duration, abs=1e-6)
        assert np.abs(samples).max() > 0.05  # speech, not silence
        lengths.append(len(samples))
    assert lengths[1] < lengths[0]  # said faster


def test_the_take_limit_and_auto_trim_are_set_in_settings_and_on_the_command_line(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.settings_dialog import SettingsDialog

    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    dialog = SettingsDialog(controller)
    qtbot.addWidget(dialog)
    assert dialog.take_limit.value() == 5 and not dialog.auto_trim.isChecked()
    assert not dialog.trim_margin.isEnabled()
    dialog.take_limit.setValue(2)
    dialog.auto_trim.setChecked(True)
    assert dialog.trim_margin.isEnabled() and dialog.trim_margin.value() == pytest.approx(0.25)
    dialog.trim_margin.setValue(0.1)
    dialog.accept()
    assert controller.takes.settings() == (2, pytest.approx(0.1))
    record = controller.segments.add("Words.")
    for _ in range(3):
        render(qtbot, controller, record.id)
    assert [t.number for t in takes_of(controller, record.id)] == [2, 3]  # the dialog's limit held
    again = SettingsDialog(controller)
    qtbot.addWidget(again)
    assert again.take_limit.value() == 2 and again.auto_trim.isChecked()
    assert again.trim_margin.value() == pytest.approx(0.1)
    controller.shutdown()

    base = ["--data-dir", str(tmp_path / "data"), "--model-dir", str(fake_model_dir), "--json", "settings"]

    def run(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        capsys.readouterr()
        code = main([*base, *args])
        return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    code, shown = run()
    assert code == 0 and (shown["take_limit"], shown["auto_trim_margin"]) == (2, pytest.approx(0.1))
    code, shown = run("--take-limit", "4", "--auto-trim", "off")
    assert code == 0 and (shown["take_limit"], shown["auto_trim_margin"]) == (4, None)
    for bad in (["--take-limit", "0"], ["--take-limit", "101"], ["--auto-trim", "-1"], ["--auto-trim", "x"]):
        code, refused = run(*bad)
        assert code == 2 and refused["status"] == "ERROR", (bad, refused)
    code, refused = run("--speed", "1.5", "--take-limit", "0")  # all or nothing
    assert code == 2 and "1 to 100 takes" in refused["message"]
    code, shown = run()
    assert shown["tts_speed"] == 1.0 and shown["take_limit"] == 4
    code, shown = run("--auto-trim", "0.3")
    assert code == 0 and (shown["take_limit"], shown["auto_trim_margin"]) == (4, pytest.approx(0.3))
