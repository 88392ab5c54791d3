"""Subtitle cues per sentence: counts and times from sentence boundaries, long sentences split."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator_app.engine.book_audio import BookChapter, plan_book
from narrator_app.engine.cues import (
    SegmentTiming,
    Sentence,
    flat_timings,
    layout_timings,
    segment_cues,
    sentence_cues,
    split_text,
    write_subtitles,
)

LONG = (
    "The keeper climbed the stairs at dusk, counting every step as his father had taught him, "
    "and when he reached the lamp room he found the glass already warm; someone had been there before him."
)


def test_one_cue_per_sentence_at_its_boundaries() -> None:
    timings = flat_timings(
        [2.0, 3.0],
        ["One. Two.", "Three. Four. Five."],
        0.5,
        [
            [Sentence(0.0, 0.9, "One."), Sentence(1.1, 2.0, "Two.")],
            [Sentence(0.1, 1.0, "Three."), Sentence(1.0, 2.0, "Four."), Sentence(2.2, 2.9, "Five.")],
        ],
    )
    cues = sentence_cues(timings)
    assert [c.text for c in cues] == ["One.", "Two.", "Three.", "Four.", "Five."]
    assert [t for c in cues for t in (c.start, c.end)] == pytest.approx(
        [0.0, 0.9, 1.1, 2.0, 2.6, 3.5, 3.5, 4.5, 4.7, 5.4]
    )


def test_long_sentences_split_at_clause_marks_into_two_lines_of_42() -> None:
    pieces = split_text(LONG)
    assert len(pieces) > 1
    for piece in pieces:
        lines = piece.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines)
    assert " ".join(p.replace("\n", " ") for p in pieces) == LONG
    # the splits fall after clause marks
    assert all(re.search(r"[,;:]$", p) for p in pieces[:-1])
    cues = sentence_cues([SegmentTiming(10.0, 20.0, LONG, (Sentence(1.0, 9.0, LONG),))])
    assert len(cues) == len(pieces)
    assert cues[0].start == pytest.approx(11.0) and cues[-1].end == pytest.approx(19.0)
    assert all(a.end == pytest.approx(b.start) for a, b in zip(cues, cues[1:], strict=False))


def test_a_clause_too_long_for_two_lines_is_split_between_words() -> None:
    words = " ".join(["word"] * 40)  # 199 characters, no clause marks
    pieces = split_text(words)
    assert all(len(p.split("\n")) <= 2 and max(map(len, p.split("\n"))) <= 42 for p in pieces)
    assert " ".join(p.replace("\n", " ") for p in pieces) == words


def test_segments_without_sentences_and_clipping() -> None:
    timings = [
        SegmentTiming(0.0, 2.0, "No boundaries recorded."),
        SegmentTiming(2.5, 4.0, "Late.", (Sentence(-0.5, 9.0, "Late."),)),
    ]
    cues = sentence_cues(timings)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 2.0, "No boundaries recorded."),
        (2.5, 4.0, "Late."),
    ]
    assert [c.text for c in segment_cues(timings)] == ["No boundaries recorded.", "Late."]


def test_book_layout_timings_and_files(tmp_path: Path) -> None:
    rate = 24_000
    for name, seconds in (("a", 1.0), ("b", 2.0)):
        sf.write(str(tmp_path / f"{name}.wav"), np.zeros(int(seconds * rate), np.float32), rate)
    layout = plan_book(
        [BookChapter("One", (tmp_path / "a.wav",)), BookChapter("Two", (tmp_path / "b.wav",))],
        pause=0.5,
        chapter_pause=2.0,
    )
    timings = layout_timings(
        layout, ["A.", "B. C."], [[Sentence(0, 1, "A.")], [Sentence(0, 1, "B."), Sentence(1, 2, "C.")]]
    )
    cues = sentence_cues(timings)
    assert [t for c in cues for t in (c.start, c.end)] == pytest.approx([0, 1, 3, 4, 4, 5])
    srt = write_subtitles(cues, tmp_path / "book.srt", "srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,000\nA.\n")
    assert "3\n00:00:04,000 --> 00:00:05,000\nC.\n" in srt
    long_cues = sentence_cues([SegmentTiming(0.0, 8.0, LONG, (Sentence(0.0, 8.0, LONG),))])
    vtt = write_subtitles(long_cues, tmp_path / "book.vtt", "vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")
    blocks = vtt.split("\n\n")[1:]
    assert len(blocks) == len(long_cues)
    assert any(len(block.strip().split("\n")) == 3 for block in blocks)  # times + two lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav", "book.srt", "book.vtt"]
