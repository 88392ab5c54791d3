"""A book's audio laid out in time: chapters of segment WAVs, pauses, and the samples streamed in blocks.

No Qt here. Only the WAV headers are read to plan the layout (so chapter marks are known before any
audio is encoded); the samples are then read block by block, never the whole book at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

from narrator_app.engine.export import MAX_PAUSE, SAMPLE_RATE, ExportCancelled, ExportError

BLOCK_FRAMES = SAMPLE_RATE  # one second of audio per block
MAX_CHAPTER_PAUSE = 30.0
COVER_TYPES = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


@dataclass(frozen=True)
class BookChapter:
    """A chapter: its title and its segments' WAV files, in order."""

    title: str
    segments: tuple[Path, ...]
    # Per segment, optional (empty: none): seconds cut from its start and end (its take's trim), and
    # the silence after it instead of the export's pause (its own pause after).
    cuts: tuple[tuple[float, float], ...] = ()
    pauses_after: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class BookTags:
    """What a player shows about the book; empty strings are left out of the file."""

    title: str = ""
    author: str = ""
    narrator: str = ""
    year: str = ""
    genre: str = ""
    description: str = ""
    cover: Path | None = None
    cover_data: bytes | None = field(default=None, repr=False)  # when `cover` is None: the picture itself


@dataclass(frozen=True)
class Cover:
    data: bytes
    kind: str  # "jpeg" or "png"


@dataclass(frozen=True)
class PlannedSegment:
    path: Path
    start: int  # in samples at SAMPLE_RATE, from the start of the book
    frames: int  # the samples played (after the trim)
    skip: int = 0  # samples of the file cut from its start (the trim)
    gap_before: int = 0  # samples of silence before it (within its chapter)
    total: int = -1  # the file's samples (-1: frames)
    gain: float = 1.0  # linear, applied as it is read (engine/levelling.py: the voices at one level)


@dataclass(frozen=True)
class PlannedChapter:
    title: str
    start: int  # where its first segment starts
    end: int  # where the next chapter starts (its pause included), or the end of the book
    segments: tuple[PlannedSegment, ...]


@dataclass(frozen=True)
class BookLayout:
    chapters: tuple[PlannedChapter, ...]
    pause_frames: int
    chapter_pause_frames: int
    total_frames: int

    @property
    def duration(self) -> float:
        return self.total_frames / SAMPLE_RATE

    def chapter_frames(self, index: int) -> int:
        """The chapter's own audio, without the pause after it (what a file per chapter holds)."""
        chapter = self.chapters[index]
        last = chapter.segments[-1]
        return last.start + last.frames - chapter.start


def cover_kind(data: bytes) -> str | None:
    """ "jpeg" or "png" from the picture's first bytes, None for anything else."""
    return next((kind for magic, kind in COVER_TYPES.items() if data.startswith(magic)), None)


def read_cover(path: Path | None, data: bytes | None = None) -> Cover | None:
    """The cover from `path`, else from `data` (the project's own picture); refused unless it is a
    JPEG or a PNG."""
    if path is None:
        if data is None:
            return None
        kind = cover_kind(data)
        if kind is None:
            raise ExportError(
                "The project's cover is not a JPEG or PNG image; choose another in Book details."
            )
        return Cover(data, kind)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"Cannot read the cover {path}: {error.strerror or error}.") from error
    kind = cover_kind(data)
    if kind is None:
        raise ExportError(f"The cover {path} is not a JPEG or PNG image; choose a .jpg or .png file.")
    return Cover(data, kind)


def plan_book(chapters: Sequence[BookChapter], *, pause: float, chapter_pause: float) -> BookLayout:
    """Where every segment and chapter starts, from the WAV headers; refuses bad input with a reason."""
    if not 0 <= pause <= MAX_PAUSE:
        raise ExportError(f"The pause must be between 0 and {MAX_PAUSE:g} seconds; got {pause:g}.")
    if not 0 <= chapter_pause <= MAX_CHAPTER_PAUSE:
        raise ExportError(
            f"The pause between chapters must be between 0 and {MAX_CHAPTER_PAUSE:g} seconds; "
            f"got {chapter_pause:g}."
        )
    if not chapters:
        raise ExportError("There is no audio to export.")
    pause_frames = round(pause * SAMPLE_RATE)
    chapter_pause_frames = round(chapter_pause * SAMPLE_RATE)
    planned: list[PlannedChapter] = []
    position = 0
    for number, chapter in enumerate(chapters, start=1):
        if not chapter.segments:
            raise ExportError(f"Chapter {number} ({chapter.title!r}) has no audio; generate it first.")
        if planned:
            position += chapter_pause_frames
        start = position
        segments: list[PlannedSegment] = []
        gap = pause_frames
        for index, path in enumerate(chapter.segments):
            try:
                info = sf.info(str(path))
            except (OSError, RuntimeError, sf.LibsndfileError) as error:
                raise ExportError(
                    f"Cannot read the audio {path} of chapter {number}: {error}. "
                    "Generate it again and export again; nothing was written."
                ) from error
            if info.samplerate != SAMPLE_RATE:
                raise ExportError(f"{path} is {info.samplerate} Hz; Narrator's audio is {SAMPLE_RATE} Hz.")
            before = gap if index else 0
            position += before
            cut_start, cut_end = chapter.cuts[index] if index < len(chapter.cuts) else (0.0, 0.0)
            skip = min(int(info.frames), round(cut_start * SAMPLE_RATE))
            frames = max(0, int(info.frames) - skip - round(cut_end * SAMPLE_RATE))
            segments.append(PlannedSegment(path, position, frames, skip, before, int(info.frames)))
            position += frames
            own = chapter.pauses_after[index] if index < len(chapter.pauses_after) else None
            gap = pause_frames if own is None else round(own * SAMPLE_RATE)
        planned.append(PlannedChapter(chapter.title, start, position, tuple(segments)))
    # Each chapter ends where the next begins, so the pause between them belongs to the earlier one.
    chapters_out = tuple(
        PlannedChapter(
            c.title, c.start, planned[i + 1].start if i + 1 < len(planned) else position, c.segments
        )
        for i, c in enumerate(planned)
    )
    if position == 0:
        raise ExportError("The audio to export is empty (every segment has 0 samples).")
    return BookLayout(chapters_out, pause_frames, chapter_pause_frames, position)


def _zeros(frames: int) -> Iterator[NDArray[np.float32]]:
    while frames > 0:
        step = min(frames, BLOCK_FRAMES)
        yield np.zeros(step, dtype=np.float32)
        frames -= step


def segment_blocks(segment: PlannedSegment) -> Iterator[NDArray[np.float32]]:
    """The samples of one segment that are heard (inside its trim), times its gain, in blocks."""
    read = 0
    total = segment.frames if segment.total < 0 else segment.total
    try:
        for block in sf.blocks(str(segment.path), blocksize=BLOCK_FRAMES, dtype="float32", always_2d=True):
            mono = block.mean(axis=1, dtype=np.float32) if block.shape[1] > 1 else block[:, 0]
            begin, read = read, read + len(mono)
            # Only the part inside the trim: [skip, skip + frames) of the file.
            lo, hi = max(begin, segment.skip), min(read, segment.skip + segment.frames)
            if hi > lo:
                heard = np.ascontiguousarray(mono[lo - begin : hi - begin], dtype=np.float32)
                yield heard if segment.gain == 1.0 else heard * np.float32(segment.gain)
    except (OSError, RuntimeError, sf.LibsndfileError) as error:
        raise ExportError(f"Cannot read the audio {segment.path}: {error}; nothing was written.") from error
    if read != total:
        raise ExportError(
            f"{segment.path} changed while exporting ({read} samples, {total} expected); export again."
        )


def iter_blocks(
    layout: BookLayout,
    chapters: Sequence[int] | None = None,
    *,
    chapter_pauses: bool = True,
    should_cancel: Callable[[], bool] | None = None,
) -> Iterator[NDArray[np.float32]]:
    """The mono float32 samples of the given chapters (all by default), one second at most per block,
    pauses included; with `chapter_pauses`, the chapter pause between consecutive chapters too.
    Raises ExportCancelled as soon as `should_cancel` says so (it is asked before every block)."""
    indices = range(len(layout.chapters)) if chapters is None else chapters
    for position, index in enumerate(indices):
        chapter = layout.chapters[index]
        pieces: list[Iterator[NDArray[np.float32]]] = []
        if position and chapter_pauses:
            pieces.append(_zeros(layout.chapter_pause_frames))
        for number, segment in enumerate(chapter.segments):
            if number:
                pieces.append(_zeros(segment.gap_before))
            pieces.append(segment_blocks(segment))
        for piece in pieces:
            for block in piece:
                if should_cancel is not None and should_cancel():
                    raise ExportCancelled()
                yield block


_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_file_stem(text: str, limit: int = 80) -> str:
    """A file name part that every OS accepts: no path or reserved characters, no control characters,
    no trailing dots or spaces (Windows), not a reserved device name, at most `limit` characters."""
    text = unicodedata.normalize("NFC", text)
    stem = " ".join(_FORBIDDEN.sub(" ", text).split())[:limit].rstrip(" .").lstrip(" ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


def chapter_file_name(number: int, count: int, title: str, ext: str) -> str:
    """'01 - Chapter One.m4b': numbered to sort in order, at least two digits."""
    width = max(2, len(str(count)))
    stem = safe_file_stem(title)
    return f"{number:0{width}d} - {stem}.{ext}" if stem else f"{number:0{width}d}.{ext}"
