"""The voices of a book at one level: each segment's loudness measured on its own and evened out, then
the loudness of the whole book as it will be heard. No Qt here.

Segments rendered with different voices (or blends, or speeds) come out of Kokoro at different levels,
a few dB apart, and one gain for the whole book would keep those steps. So, when an export has a
loudness target, every segment is measured (BS.1770 gated loudness; under 400 ms, its ungated level)
and given the gain that brings it to the median of the segments' levels, at most MAX_SEGMENT_GAIN_DB
either way: a whispered take or a near-silent one is not lifted into noise. A segment too quiet to
measure keeps its level. The book's loudness is then worked out from the same measurements, each
segment's 400 ms blocks scaled by its gain (the pauses are silence, under the absolute gate), so the
book is read only once to measure it; the whole-book gain and the peak limiter come after.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from narrator_app.engine.book_audio import BookLayout, PlannedChapter, PlannedSegment, segment_blocks
from narrator_app.engine.export import SAMPLE_RATE, ExportCancelled
from narrator_app.engine.loudness import LoudnessMeter, Measurement, gated_loudness

MAX_SEGMENT_GAIN_DB = 12.0


@dataclass(frozen=True)
class SegmentLevel:
    loudness: float  # LUFS as rendered (-inf: too quiet to measure)
    blocks: np.ndarray  # its 400 ms block energies, K-weighted
    sum_squares: float
    peak: float  # linear sample peak


@dataclass(frozen=True)
class LevelledBook:
    layout: BookLayout  # the same segments, each with its gain
    measurement: Measurement  # of the book with those gains, before the whole-book gain
    segment_gains_db: tuple[float, ...]  # in the order of the layout's segments


def measure_segment(
    segment: PlannedSegment,
    should_cancel: Callable[[], bool] | None = None,
    advance: Callable[[int], None] | None = None,
) -> SegmentLevel:
    meter = LoudnessMeter(SAMPLE_RATE)
    for block in segment_blocks(replace(segment, gain=1.0)):
        if should_cancel is not None and should_cancel():
            raise ExportCancelled()
        meter.add(block)
        if advance is not None:
            advance(len(block))
    loudness = meter.integrated()
    if not math.isfinite(loudness):
        loudness = meter.short_loudness()
    return SegmentLevel(loudness, meter.gating_blocks(), meter.sum_squares, meter.peak)


def even_gains(levels: list[float]) -> list[float]:
    """Per segment, the gain (dB) to the median of the measurable levels, within ±MAX_SEGMENT_GAIN_DB;
    0 for a segment with no measurable level."""
    finite = [level for level in levels if math.isfinite(level)]
    if not finite:
        return [0.0] * len(levels)
    reference = float(np.median(finite))
    limit = MAX_SEGMENT_GAIN_DB
    return [max(-limit, min(limit, reference - level)) if math.isfinite(level) else 0.0 for level in levels]


def level_book(
    layout: BookLayout,
    should_cancel: Callable[[], bool] | None = None,
    advance: Callable[[int], None] | None = None,
) -> LevelledBook:
    """Measures every segment once, evens them out and gives the book's loudness with those gains."""
    segments = [segment for chapter in layout.chapters for segment in chapter.segments]
    measured = [measure_segment(segment, should_cancel, advance) for segment in segments]
    if advance is not None:
        advance(layout.total_frames - sum(segment.frames for segment in segments))  # the pauses
    gains_db = even_gains([level.loudness for level in measured])
    linear = [10 ** (gain / 20) for gain in gains_db]
    loudness = gated_loudness([level.blocks * g * g for level, g in zip(measured, linear, strict=True)])
    power = sum(level.sum_squares * g * g for level, g in zip(measured, linear, strict=True))
    peak = max((level.peak * g for level, g in zip(measured, linear, strict=True)), default=0.0)
    total = max(1, layout.total_frames)
    measurement = Measurement(
        loudness,
        10 * math.log10(power / total) if power > 0 else float("-inf"),
        20 * math.log10(peak) if peak > 0 else float("-inf"),
        layout.total_frames / SAMPLE_RATE,
    )
    gained = iter(linear)
    chapters = tuple(
        PlannedChapter(
            chapter.title,
            chapter.start,
            chapter.end,
            tuple(replace(segment, gain=next(gained)) for segment in chapter.segments),
        )
        for chapter in layout.chapters
    )
    return LevelledBook(replace(layout, chapters=chapters), measurement, tuple(gains_db))
