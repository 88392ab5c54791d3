"""Exporting a book to one M4B: AAC in MP4 with a chapter mark per chapter, tags, cover, loudness.

No Qt here. The book is streamed twice at most: once to measure its segments' loudness (only when a
target is set: engine/levelling.py evens them out), once to encode it; a block is one second of
audio, so memory stays flat for a 10-hour book.
The file is written to a temporary name beside the target and renamed into place at the end: a
cancel or an error leaves nothing behind and never touches an earlier export.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import mutagen

from narrator_app.engine.audiobook_encoder import (
    CODEC_HEADROOM_DB,
    DEFAULT_BITRATE,
    DEFAULT_RATE,
    AudioEncoder,
    check_encoding,
    write_tags,
)
from narrator_app.engine.book_audio import (
    BookChapter,
    BookLayout,
    BookTags,
    iter_blocks,
    plan_book,
    read_cover,
)
from narrator_app.engine.disk_space import write_failure
from narrator_app.engine.export import SAMPLE_RATE, ExportCancelled, ExportError, temporary_beside
from narrator_app.engine.levelling import level_book
from narrator_app.engine.loudness import LoudnessTarget, Measurement, PeakLimiter, gain_db

DEFAULT_PAUSE = 0.5
DEFAULT_CHAPTER_PAUSE = 2.0
MAX_RETRIES = 2
MAX_LOWERING_DB = 6.0


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float  # seconds
    end: float


@dataclass(frozen=True)
class AudiobookResult:
    path: Path
    duration: float
    chapters: tuple[ChapterMark, ...]
    loudness: Measurement | None  # of the book before the gain, when a target was set
    gain_db: float
    peak_db: float  # of the encoded audio as a player decodes it


class Progress:
    """Reports the fraction done, at most once per thousandth."""

    def __init__(self, total: int, callback: Callable[[float], None] | None) -> None:
        self._total = max(1, total)
        self._done = 0
        self._callback = callback
        self._reported = -1

    def extend(self, amount: int) -> None:
        """More work than planned (an extra pass): the fraction steps back rather than lie."""
        self._total += amount

    def advance(self, amount: int) -> None:
        self._done += amount
        step = self._done * 1000 // self._total
        if self._callback is not None and step != self._reported:
            self._reported = step
            self._callback(min(1.0, self._done / self._total))


@dataclass(frozen=True)
class LevelPlan:
    layout: BookLayout  # what to encode: with a target, each segment carries its levelling gain
    measurement: Measurement | None  # of the levelled book, before the whole-book gain
    gain_db: float
    ceiling_db: float | None  # None: no limiter (loudness off)


def plan_level(
    layout: BookLayout,
    target: LoudnessTarget | None,
    fmt: str,
    progress: Progress,
    should_cancel: Callable[[], bool] | None,
) -> LevelPlan:
    """First pass: every segment's loudness, evened out (engine/levelling.py), and the whole book's
    with those gains (chapter pauses included, as in the single file)."""
    if target is None:
        return LevelPlan(layout, None, 0.0, None)
    book = level_book(layout, should_cancel, progress.advance)
    measured = book.measurement
    ceiling = target.peak_limit - CODEC_HEADROOM_DB[fmt]
    return LevelPlan(book.layout, measured, gain_db(target, measured), ceiling)


def _encode_once(
    encoder: AudioEncoder,
    level: LevelPlan,
    progress: Progress,
    chapters: Sequence[int] | None,
    chapter_pauses: bool,
    should_cancel: Callable[[], bool] | None,
) -> float:
    limiter = None
    if level.ceiling_db is not None:
        limiter = PeakLimiter(level.gain_db, level.ceiling_db, SAMPLE_RATE)
    try:
        blocks = iter_blocks(
            level.layout, chapters, chapter_pauses=chapter_pauses, should_cancel=should_cancel
        )
        for block in blocks:
            encoder.write(block if limiter is None else limiter.process(block))
            progress.advance(len(block))
        if limiter is not None:
            encoder.write(limiter.flush())
        encoder.close()
    except BaseException:
        encoder.abort()
        raise
    return 20 * math.log10(encoder.peak) if encoder.peak > 0 else float("-inf")


def encode_chapters(
    make_encoder: Callable[[], AudioEncoder],
    level: LevelPlan,
    limit_db: float | None,
    progress: Progress,
    chapters: Sequence[int] | None = None,
    *,
    chapter_pauses: bool = True,
    should_cancel: Callable[[], bool] | None = None,
) -> float:
    """Second pass: the chapters' samples, gained and limited, into a new encoder's file; returns the
    decoded peak (dBFS). If that is above `limit_db`, encodes again (twice at most) with the limiter
    lower by 1.5 times the overshoot (lowering the ceiling lowers a coded peak by less than as much),
    never more than MAX_LOWERING_DB in all; the progress then shows the extra pass."""
    peak = _encode_once(make_encoder(), level, progress, chapters, chapter_pauses, should_cancel)
    layout = level.layout
    for _retry in range(MAX_RETRIES):
        if limit_db is None or level.ceiling_db is None or peak <= limit_db:
            break
        lowest = limit_db - MAX_LOWERING_DB
        ceiling = max(lowest, level.ceiling_db - 1.5 * (peak - limit_db) - 0.2)
        if ceiling >= level.ceiling_db:
            break
        level = LevelPlan(layout, level.measurement, level.gain_db, ceiling)
        progress.extend(
            layout.total_frames if chapters is None else sum(layout.chapter_frames(i) for i in chapters)
        )
        peak = _encode_once(make_encoder(), level, progress, chapters, chapter_pauses, should_cancel)
    return peak


def check_target(out_path: Path, ext: str) -> None:
    if out_path.is_dir() or not out_path.name:
        raise ExportError(f"{out_path} is a folder; give the name of the file to write.")
    if out_path.suffix.lower() != f".{ext}":
        raise ExportError(f"{out_path.name}: the file name of this export must end in .{ext}.")


def export_m4b(
    chapters: Sequence[BookChapter],
    out_path: Path,
    *,
    tags: BookTags | None = None,
    pause: float = DEFAULT_PAUSE,
    chapter_pause: float = DEFAULT_CHAPTER_PAUSE,
    bitrate: int = DEFAULT_BITRATE,
    sample_rate: int = DEFAULT_RATE,
    loudness: LoudnessTarget | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> AudiobookResult:
    """One .m4b of every chapter in order: `pause` seconds between segments, `chapter_pause` between
    chapters, a chapter mark where each chapter's first segment starts, the tags and cover, and with
    `loudness` the whole book brought to that level under its peak limit.
    Raises ExportError (with the reason) or ExportCancelled; then nothing is written."""
    tags = tags or BookTags()
    check_encoding("m4b", sample_rate, bitrate)
    check_target(out_path, "m4b")
    cover = read_cover(tags.cover, tags.cover_data)
    layout = plan_book(chapters, pause=pause, chapter_pause=chapter_pause)
    passes = 2 if loudness is not None else 1
    progress = Progress(layout.total_frames * passes, on_progress)
    marks = tuple(ChapterMark(c.title, c.start / SAMPLE_RATE, c.end / SAMPLE_RATE) for c in layout.chapters)
    try:
        with temporary_beside(out_path) as tmp:
            level = plan_level(layout, loudness, "m4b", progress, should_cancel)

            def make_encoder() -> AudioEncoder:
                marks = [(c.title, c.start, c.end) for c in layout.chapters]
                return AudioEncoder(tmp, "m4b", rate=sample_rate, bitrate=bitrate, chapters=marks)

            limit = None if loudness is None else loudness.peak_limit
            peak = encode_chapters(make_encoder, level, limit, progress, should_cancel=should_cancel)
            write_tags(tmp, "m4b", tags, cover)
            os.replace(tmp, out_path)
    except (ExportCancelled, ExportError):
        raise
    except (OSError, av.FFmpegError, mutagen.MutagenError) as error:
        raise ExportError(write_failure(out_path, error)) from error
    return AudiobookResult(out_path, layout.duration, marks, level.measurement, level.gain_db, peak)
