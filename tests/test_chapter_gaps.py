"""One file of a whole book (WAV, FLAC, MP3) has the pause between chapters an M4B has."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator_app.core.audiobook import BookItem, BookOptions, export_project
from narrator_app.engine.export import ExportItem

RATE = 24_000


def _tone(path: Path, seconds: float) -> Path:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)
    return path


def _book(tmp_path: Path) -> list[BookItem]:
    """Chapter 1: a (1 s, its own pause 0.25 s after it), b (1 s); chapter 2: c (1 s)."""
    a, b, c = (_tone(tmp_path / f"{n}.wav", 1.0) for n in "abc")
    return [
        BookItem(ExportItem(1, "A.", a, pause_after=0.25), 1, "One"),
        BookItem(ExportItem(2, "B.", b, pause_after=0.75), 1, "One"),  # the chapter pause wins
        BookItem(ExportItem(3, "C.", c), 2, "Two"),
    ]


def _silent_runs(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    quiet = np.abs(samples) < 1e-3
    runs, start = [], None
    for n, q in enumerate(quiet):
        if q and start is None:
            start = n
        elif not q and start is not None:
            if n - start > rate // 20:
                runs.append((start / rate, n / rate))
            start = None
    return runs


@pytest.mark.parametrize(("fmt", "loudness"), [("wav", None), ("flac", None), ("wav", "podcast")])
def test_the_chapter_pause_separates_chapters_in_one_file(
    tmp_path: Path, fmt: str, loudness: str | None
) -> None:
    out = tmp_path / f"book.{fmt}"
    outcome = export_project(
        _book(tmp_path),
        BookOptions(out, fmt=fmt, pause=0.5, chapter_pause=3.0, subtitles="srt", loudness=loudness),
    )
    samples, rate = sf.read(str(out))
    expected = 1.0 + 0.25 + 1.0 + 3.0 + 1.0
    assert outcome.duration == pytest.approx(expected, abs=1e-3)
    assert len(samples) / rate == pytest.approx(expected, abs=1e-3)
    gaps = _silent_runs(samples, rate)
    assert [(round(s, 2), round(e, 2)) for s, e in gaps] == [(1.0, 1.25), (2.25, 5.25)]
    srt = outcome.subtitles.read_text(encoding="utf-8")
    assert "00:00:05,250 --> 00:00:06,250\nC." in srt  # the cues follow the same layout


def test_a_chapter_pause_of_zero_and_one_chapter_leave_the_segment_pauses(tmp_path: Path) -> None:
    items = _book(tmp_path)
    zero = export_project(items, BookOptions(tmp_path / "zero.wav", pause=0.5, chapter_pause=0.0))
    assert zero.duration == pytest.approx(1.0 + 0.25 + 1.0 + 0.0 + 1.0, abs=1e-3)
    one_chapter = [BookItem(i.item, 1, "One") for i in items]
    flat = export_project(one_chapter, BookOptions(tmp_path / "flat.wav", pause=0.5, chapter_pause=3.0))
    assert flat.duration == pytest.approx(1.0 + 0.25 + 1.0 + 0.75 + 1.0, abs=1e-3)
