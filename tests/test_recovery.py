"""Start-up repair: every state a crash can leave between the steps of a write is put right."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.core.recovery import PENDING_EXPORTS
from narrator_app.core.rules import AudioStatus
from narrator_app.engine.audio_files import audio_duration

MakeController = Callable[..., Controller]


def _wav(path: Path, seconds: float) -> float:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros(int(seconds * 24_000), np.float32), 24_000, format="WAV", subtype="PCM_16")
    return audio_duration(path)


def _reopen(make_controller: MakeController, first: Controller, model_dir: Path) -> Controller:
    first.shutdown()  # a crashed process holds nothing either
    return make_controller(model_dir, FakeKokoro())


def test_an_interrupted_replacement_is_resolved_to_the_recorded_audio(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    data = c.data_dir
    audio = data / "audio" / str(c.project.id)
    cases = {}
    # Each case: (file at the recorded path, the `.previous` file) as a crash between two steps leaves them.
    # `.previous` copies are named uniquely (`.<name>.<12 hex>.previous`); a crash of an older version
    # left the fixed `.<name>.previous`; two interleaved replacements leave two copies.
    for name, current, previous in [
        ("old moved aside, new not yet in place", None, [1.0]),
        ("new in place, not yet recorded", 2.0, [1.0]),
        ("recorded, old not yet removed", 1.0, [2.0]),
        ("nothing interrupted", 1.0, []),
        ("two replacements interleaved", 3.0, [2.0, 1.0]),
        ("an older version's fixed name", None, [1.0]),
    ]:
        record = c.segments.add(name)
        path = audio / f"segment_{record.id}.wav"
        recorded = 1.0
        if current is not None:
            _wav(path, current)
        for n, seconds in enumerate(previous):
            fixed = name == "an older version's fixed name"
            _wav(
                path.with_name(f".{path.name}.previous" if fixed else f".{path.name}.{n:012x}.previous"),
                seconds,
            )
        c.repository.set_audio(record.id, f"audio/{c.project.id}/{path.name}", recorded, None)
        cases[name] = record.id
    d = _reopen(make_controller, c, fake_model_dir)

    for name, segment_id in cases.items():
        record = d.segments.get(segment_id)
        assert record is not None and record.audio_file is not None, name
        path = data / record.audio_file
        assert audio_duration(path) == record.audio_duration == 1.0, name
        assert not list(path.parent.glob(f".{path.name}*.previous")), name
    assert sorted(d.recovery.restored) == sorted(
        [
            cases["old moved aside, new not yet in place"],
            cases["new in place, not yet recorded"],
            cases["two replacements interleaved"],
            cases["an older version's fixed name"],
        ]
    )


def test_temporary_and_unrecorded_files_are_removed_and_nothing_else(
    make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    data = c.data_dir
    audio = data / "audio" / str(c.project.id)
    kept = c.segments.add("kept")
    _wav(audio / f"segment_{kept.id}.wav", 1.0)
    c.repository.set_audio(kept.id, f"audio/{c.project.id}/segment_{kept.id}.wav", 1.0, None)
    never_recorded = c.segments.add("its first audio was written but not recorded")
    leftovers = [
        audio / f".segment_{kept.id}.wav.0123456789ab.part",  # a WAV being written
        audio / f"segment_{never_recorded.id}.wav",  # written, not recorded
        audio / "segment_999.wav",  # a deleted segment's file
        data / "audio" / "77",  # a deleted project's folder
        data / "models" / ".kokoro-v1.0.int8.onnx.k2j4_x9q.part",  # the bundled model being assembled
        tmp_path / "exports" / ".book.mp3.00000000ffff.part",  # an export being written
        tmp_path / "exports" / ".book.srt.0123456789ab.part",
    ]
    strangers = [  # not Narrator's: never touched
        audio / "notes.txt",
        data / "audio" / "mine" / "segment_1.wav",
        data / "models" / "kokoro-v1.0.onnx",
        tmp_path / "exports" / "book.mp3",
        tmp_path / "exports" / ".other.mp3.0123456789ab.part",
    ]
    for path in leftovers + strangers:
        if path.suffix in (".wav", ".part"):
            _wav(path, 0.5)
        elif path.suffix:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x")
        else:
            _wav(path / "segment_5.wav", 0.5)
    (data / PENDING_EXPORTS).mkdir()
    journal = data / PENDING_EXPORTS / "0a1b2c3d4e5f.json"
    journal.write_text(
        json.dumps([str(tmp_path / "exports" / "book.mp3"), str(tmp_path / "exports" / "book.srt")])
    )

    d = _reopen(make_controller, c, fake_model_dir)
    assert [p for p in leftovers if p.exists()] == []
    assert [p for p in strangers if not p.exists()] == []
    assert not journal.exists()
    assert audio_duration(audio / f"segment_{kept.id}.wav") == d.segments.get(kept.id).audio_duration
    assert sorted(d.recovery.removed) == sorted(leftovers)


def test_a_recorded_file_that_is_gone_is_cleared_so_generate_all_makes_it_again(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    lost = c.segments.add("Its file was deleted.")
    c.repository.set_audio(lost.id, f"audio/{c.project.id}/segment_{lost.id}.wav", 1.0, None)
    d = _reopen(make_controller, c, fake_model_dir)
    record = d.segments.get(lost.id)
    assert record is not None and record.text == "Its file was deleted."
    assert d.generation.audio_status(record)[0] is AudioStatus.NONE and d.recovery.cleared == [lost.id]
    summary = d.generation.generate_all()
    assert summary.queued == 1
