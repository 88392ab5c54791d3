"""Subtitle cues one per sentence, timed from where each sentence's audio starts and ends.

No Qt here. The sentence boundaries come from rendering (the chunk boundaries of each segment, in
seconds from the start of its audio); a segment's place in the export comes from the export's layout.
A sentence too long for two lines of 42 characters is split at its clause marks (, ; : — and their
CJK forms), clauses joined again while they fit; the time of a split sentence is shared between its
pieces by their number of characters (the only guess: inside one sentence there are no boundaries).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrator_app.engine.book_audio import BookLayout
from narrator_app.engine.disk_space import write_failure
from narrator_app.engine.export import (
    SAMPLE_RATE,
    SUBTITLE_FORMATS,
    Cue,
    ExportError,
    render_subtitles,
    temporary_beside,
)

LINE_WIDTH = 42
MAX_LINES = 2
_CLAUSE = re.compile(r"(?<=[,;:—–])\s+|(?<=[，、；：])")


@dataclass(frozen=True)
class Sentence:
    start: float  # seconds from the start of its segment's audio
    end: float
    text: str


@dataclass(frozen=True)
class SegmentTiming:
    """A segment's place in the export (seconds), its text, and its sentences (may be empty)."""

    start: float
    end: float
    text: str
    sentences: tuple[Sentence, ...] = ()


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)


def _fits(text: str, width: int, lines: int) -> bool:
    return len(_lines(text, width)) <= lines


def split_text(text: str, width: int = LINE_WIDTH, lines: int = MAX_LINES) -> list[str]:
    """The text as cue texts of at most `lines` lines of `width` characters (lines joined by '\\n'),
    split at clause marks first and between words only where a clause alone is too long."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    current = ""
    for clause in (c for c in _CLAUSE.split(text) if c.strip()):
        candidate = f"{current} {clause}".strip() if current else clause
        if _fits(candidate, width, lines):
            current = candidate
            continue
        if current:
            pieces.append(current)
        if _fits(clause, width, lines):
            current = clause
            continue
        wrapped = _lines(clause, width)  # a clause longer than two lines: by words, two lines a cue
        chunks = [" ".join(wrapped[i : i + lines]) for i in range(0, len(wrapped), lines)]
        pieces.extend(chunks[:-1])
        current = chunks[-1]
    if current:
        pieces.append(current)
    return ["\n".join(_lines(piece, width)) for piece in pieces]


def _spread(start: float, end: float, texts: list[str]) -> list[Cue]:
    """`texts` across [start, end], each its share by characters."""
    weights = [max(1, len(t.replace("\n", ""))) for t in texts]
    total = sum(weights)
    cues, position, done = [], start, 0
    for text, weight in zip(texts, weights, strict=True):
        done += weight
        stop = start + (end - start) * done / total
        cues.append(Cue(position, stop, text))
        position = stop
    return cues


def sentence_cues(
    segments: Sequence[SegmentTiming], *, width: int = LINE_WIDTH, lines: int = MAX_LINES
) -> list[Cue]:
    """One cue per sentence (more where a sentence is too long for `lines` lines), in export time;
    a segment without recorded sentences gets cues over its whole length. Sentence times are
    clipped to their segment and cues never overlap."""
    cues: list[Cue] = []
    for segment in segments:
        spans = segment.sentences or (Sentence(0.0, segment.end - segment.start, segment.text),)
        for sentence in spans:
            start = min(max(segment.start + sentence.start, segment.start), segment.end)
            end = min(max(segment.start + sentence.end, start), segment.end)
            if cues:
                start = max(start, cues[-1].end)
                end = max(end, start)
            texts = split_text(sentence.text, width, lines)
            if texts and end > start:
                cues.extend(_spread(start, end, texts))
    return cues


def segment_cues(segments: Sequence[SegmentTiming], *, width: int = LINE_WIDTH) -> list[Cue]:
    """One cue per segment (the `--cue-by segment` choice), its text wrapped to lines of `width`."""
    return [
        Cue(s.start, s.end, "\n".join(_lines(" ".join(s.text.split()), width)))
        for s in segments
        if s.text.strip()
    ]


def layout_timings(
    layout: BookLayout, texts: Sequence[str], sentences: Sequence[Sequence[Sentence]] | None = None
) -> list[SegmentTiming]:
    """The SegmentTiming of every segment of a book export, in order, from its layout. Sentence
    times (from the start of each file) are moved by the segment's trim: what it cuts from the start
    comes before the segment's place in the export."""
    segments = [segment for chapter in layout.chapters for segment in chapter.segments]
    if len(texts) != len(segments) or (sentences is not None and len(sentences) != len(segments)):
        raise ExportError(f"The export has {len(segments)} segments but the texts given do not match.")
    return [
        SegmentTiming(
            s.start / SAMPLE_RATE,
            (s.start + s.frames) / SAMPLE_RATE,
            text,
            _shifted(sentences[i], s.skip / SAMPLE_RATE) if sentences is not None else (),
        )
        for i, (s, text) in enumerate(zip(segments, texts, strict=True))
    ]


def _shifted(sentences: Sequence[Sentence], seconds: float) -> tuple[Sentence, ...]:
    if not seconds:
        return tuple(sentences)
    return tuple(Sentence(s.start - seconds, s.end - seconds, s.text) for s in sentences)


def flat_timings(
    durations: Sequence[float], texts: Sequence[str], pause: float, sentences: Sequence[Sequence[Sentence]]
) -> list[SegmentTiming]:
    """The SegmentTiming of segments joined with `pause` between them (export_narration's layout)."""
    timings, position = [], 0.0
    for duration, text, spans in zip(durations, texts, sentences, strict=True):
        timings.append(SegmentTiming(position, position + duration, text, tuple(spans)))
        position += duration + pause
    return timings


def write_subtitles(cues: Sequence[Cue], path: Path, kind: str) -> Path:
    """SRT or WebVTT with the cues' line breaks kept, written beside `path` and renamed into place."""
    if kind not in SUBTITLE_FORMATS:
        raise ExportError(f"Unknown subtitle format {kind!r}; choose srt or vtt.")
    try:
        with temporary_beside(path) as tmp:
            tmp.write_text(render_subtitles(list(cues), kind, keep_lines=True), encoding="utf-8")
            tmp.replace(path)
    except OSError as error:
        raise ExportError(write_failure(path, error)) from error
    return path
