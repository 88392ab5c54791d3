"""Cues of real renders: a cue per sentence whose boundaries are the silences between the sentences in
the decoded audio, the written text in them, SRT and WebVTT, and the take in use deciding them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import soundfile as sf

from narrator_app.app.controller import Controller
from narrator_app.app.exporting import ExportRequest
from narrator_app.core.rules import Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.parts import Spoken
from narrator_app.engine.timings import sentences_from_json, timings_json

TEXT = "No. It costs $12.50, said Dr. Smith. Yes."
WRITTEN = ["No.", "It costs $12.50, said Dr. Smith.", "Yes."]
NEAR = 0.1  # seconds: how far a cue boundary may be from a silence between sentences
_TIME = re.compile(r"(\d+):(\d\d):(\d\d)[,.](\d\d\d) --> (\d+):(\d\d):(\d\d)[,.](\d\d\d)")


def _cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of every cue of an SRT or VTT file."""
    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.split("\n")
        for n, line in enumerate(lines):
            if found := _TIME.fullmatch(line.strip()):
                v = [int(x) for x in found.groups()]
                start = v[0] * 3600 + v[1] * 60 + v[2] + v[3] / 1000
                end = v[4] * 3600 + v[5] * 60 + v[6] + v[7] / 1000
                cues.append((start, end, " ".join(lines[n + 1 :])))
    return cues


def _silences(path: Path, least: float = 0.15) -> list[tuple[float, float]]:
    """Runs of 10 ms frames 40 dB below the loudest frame, at least `least` seconds long."""
    samples, rate = sf.read(str(path), dtype="float32")
    frame = rate // 100
    rms = np.sqrt((samples[: len(samples) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1))
    quiet = rms < rms.max() * 0.01
    runs, start = [], None
    for i, q in enumerate([*quiet, False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if (i - start) / 100 >= least:
                runs.append((start / 100, i / 100))
            start = None
    return runs


def _at_silences(boundaries: list[tuple[float, float]], silences: list[tuple[float, float]]) -> bool:
    """Whether each (end of a cue, start of the next) lies in one silence, give or take NEAR."""
    return all(
        any(a - NEAR <= end <= b + NEAR and a - NEAR <= start <= b + NEAR for a, b in silences)
        for end, start in boundaries
    )


def _render(qtbot, c: Controller, segment_id: int) -> None:  # type: ignore[no-untyped-def]
    task_id = c.generation.generate_audio(segment_id)
    assert isinstance(task_id, str), task_id
    qtbot.waitUntil(lambda: not c.generation.task(task_id).status.is_active, timeout=120_000)
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED, c.generation.task(task_id).message


def _export(qtbot, c: Controller, out: Path, kind: str) -> list[tuple[float, float, str]]:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(c.exports.finished, timeout=60_000):
        _plan, started = c.exports.start(ExportRequest(out, subtitles=kind))
        assert started
    return _cues(out.with_suffix(f".{kind}"))


def test_real_cues_fall_at_the_silences_between_sentences_and_follow_the_take(  # type: ignore[no-untyped-def]
    qtbot, make_controller, real_model_dir: Path, tmp_path: Path
) -> None:
    c: Controller = make_controller(real_model_dir)
    c.settings.update(voice="jf_alpha", language="en-us")
    record = c.segments.add(TEXT)
    _render(qtbot, c, record.id)

    out = tmp_path / "out" / "book.wav"
    srt = _export(qtbot, c, out, "srt")
    assert [text for _s, _e, text in srt] == WRITTEN  # as written: "$12.50", "Dr.", no normalised words
    silences = _silences(out)
    boundaries = [(a[1], b[0]) for a, b in zip(srt, srt[1:], strict=False)]
    assert len(silences) >= 2 and _at_silences(boundaries, silences), (boundaries, silences)
    duration = sf.info(str(out)).duration
    assert srt[0][0] < 0.1 and abs(srt[-1][1] - duration) < 0.1
    vtt = _export(qtbot, c, out, "vtt")
    assert [(round(s, 3), round(e, 3), t) for s, e, t in vtt] == srt  # the same cues in WebVTT

    # The estimate cues had before (a chunk's time shared by characters) misses the silences.
    spoken = "No. It costs twelve dollars and fifty cents, said Doctor Smith. Yes."
    estimated = sentences_from_json(timings_json([Spoken(srt[0][0], srt[-1][1], spoken, 0)]))
    assert estimated is not None and len(estimated) == 3
    guessed = [(a.end, b.start) for a, b in zip(estimated, estimated[1:], strict=False)]
    assert not _at_silences(guessed, silences), (guessed, silences)

    # A second take, faster: its own times; using take 1 again gives take 1's cues back.
    c.settings.update(speed=1.5)
    _render(qtbot, c, record.id)
    faster = _export(qtbot, c, out, "srt")
    assert [t for _s, _e, t in faster] == WRITTEN and faster[-1][1] < srt[-1][1] - 0.3
    assert _at_silences([(a[1], b[0]) for a, b in zip(faster, faster[1:], strict=False)], _silences(out))
    c.settings.update(speed=1.0)  # take 1's speed: its audio is up to date again, and exported
    assert not isinstance(c.takes.use(record.id, 1), Refusal)
    assert _export(qtbot, c, out, "srt") == srt
