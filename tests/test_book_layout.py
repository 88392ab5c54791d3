"""The audiobook layout honours each segment's trim and its own pause after it (issues 17, 18)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from narrator_app.engine.book_audio import BookChapter, iter_blocks, plan_book

RATE = 24_000


def _wav(path: Path, seconds: float, value: float) -> Path:
    sf.write(path, np.full(round(seconds * RATE), value, dtype=np.float32), RATE, subtype="FLOAT")
    return path


def test_trims_and_own_pauses_move_the_chapter_marks_and_shape_the_audio(tmp_path: Path) -> None:
    a = _wav(tmp_path / "a.wav", 1.0, 0.25)
    b = _wav(tmp_path / "b.wav", 2.0, 0.5)
    c = _wav(tmp_path / "c.wav", 1.0, 0.75)
    one = BookChapter("One", (a, b), cuts=((0.0, 0.0), (0.5, 0.25)), pauses_after=(2.0, None))
    two = BookChapter("Two", (c,))
    layout = plan_book([one, two], pause=0.5, chapter_pause=1.0)
    # a (1 s) + its own 2 s pause + b trimmed to 1.25 s, then the chapter pause (1 s)
    assert [round(ch.start / RATE, 3) for ch in layout.chapters] == [0.0, 5.25]
    audio = np.concatenate(list(iter_blocks(layout)))
    assert len(audio) == round(6.25 * RATE)
    assert np.all(audio[:RATE] == 0.25)
    assert np.all(audio[RATE : 3 * RATE] == 0.0)  # exactly the segment's own pause, not 0.5 s
    assert np.all(audio[3 * RATE : round(4.25 * RATE)] == 0.5)  # b without its trimmed ends
    assert np.all(audio[round(4.25 * RATE) : round(5.25 * RATE)] == 0.0)
    assert np.all(audio[round(5.25 * RATE) :] == 0.75)


def test_without_trims_or_own_pauses_the_layout_is_as_before(tmp_path: Path) -> None:
    a = _wav(tmp_path / "a.wav", 1.0, 0.25)
    b = _wav(tmp_path / "b.wav", 1.0, 0.5)
    layout = plan_book([BookChapter("One", (a, b))], pause=0.5, chapter_pause=2.0)
    audio = np.concatenate(list(iter_blocks(layout)))
    assert len(audio) == round(2.5 * RATE)
    assert np.all(audio[RATE : round(1.5 * RATE)] == 0.0)
