"""Exporting a book as one file per chapter (`01 - Chapter One.m4b`, …) with track numbers and an M3U.

No Qt here. For players without chapter support. Every file is first written under a temporary name
in the target folder; only when all of them and the playlist are complete are they renamed into
place. If a rename fails midway, the files this export had already put in place are removed again
(files of an earlier export that were replaced cannot come back; nothing else is touched).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import av
import mutagen

from narrator_app.engine.audiobook_encoder import (
    AUDIOBOOK_FORMATS,
    DEFAULT_BITRATE,
    DEFAULT_RATE,
    AudioEncoder,
    check_encoding,
    write_tags,
)
from narrator_app.engine.book_audio import (
    BookChapter,
    BookTags,
    chapter_file_name,
    plan_book,
    read_cover,
    safe_file_stem,
)
from narrator_app.engine.export import SAMPLE_RATE, ExportCancelled, ExportError, temporary_beside
from narrator_app.engine.loudness import LoudnessTarget, Measurement
from narrator_app.engine.m4b import DEFAULT_PAUSE, Progress, encode_chapters, plan_level


@dataclass(frozen=True)
class ChapterFile:
    path: Path
    title: str
    duration: float


@dataclass(frozen=True)
class SplitResult:
    files: tuple[ChapterFile, ...]
    playlist: Path
    duration: float  # of all the files together
    loudness: Measurement | None
    gain_db: float
    peak_db: float  # the highest decoded peak of all the files


def render_m3u(files: Sequence[ChapterFile], author: str) -> str:
    """An extended M3U: each file by its name relative to the playlist, with its length and title."""
    lines = ["#EXTM3U", "#EXTENC:UTF-8"]
    for item in files:
        shown = f"{author} - {item.title}" if author else item.title
        lines += [f"#EXTINF:{round(item.duration)},{' '.join(shown.split())}", item.path.name]
    return "\n".join(lines) + "\n"


def _put_in_place(moves: list[tuple[Path, Path]]) -> None:
    existed = {final for _tmp, final in moves if final.exists()}
    placed: list[Path] = []
    try:
        for tmp, final in moves:
            os.replace(tmp, final)
            placed.append(final)
    except OSError:
        for final in placed:
            if final not in existed:
                final.unlink(missing_ok=True)
        raise


def export_chapter_files(
    chapters: Sequence[BookChapter],
    out_dir: Path,
    *,
    fmt: str = "m4b",
    tags: BookTags | None = None,
    pause: float = DEFAULT_PAUSE,
    bitrate: int = DEFAULT_BITRATE,
    sample_rate: int = DEFAULT_RATE,
    loudness: LoudnessTarget | None = None,
    playlist_name: str | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> SplitResult:
    """One `fmt` file (m4b or mp3) per chapter in `out_dir`, numbered in order, tagged with the
    book's tags plus the chapter's title and its track number, and `<book title>.m3u` beside them
    (or `playlist_name`). With `loudness`, the segments evened out and one gain for the whole book,
    so the chapters match.
    Raises ExportError (with the reason) or ExportCancelled; then nothing is written."""
    tags = tags or BookTags()
    check_encoding(fmt, sample_rate, bitrate)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file; give a folder for the chapters' files.")
    cover = read_cover(tags.cover, tags.cover_data)
    layout = plan_book(chapters, pause=pause, chapter_pause=0.0)
    stem = safe_file_stem(playlist_name or tags.title) or "Playlist"
    playlist = out_dir / (stem if stem.lower().endswith(".m3u") else f"{stem}.m3u")
    count = len(layout.chapters)
    passes = 2 if loudness is not None else 1
    progress = Progress(layout.total_frames * passes, on_progress)
    made_dir = not out_dir.exists()
    files: list[ChapterFile] = []
    peaks: list[float] = []
    moves: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            level = plan_level(layout, loudness, fmt, progress, should_cancel)
            for index, chapter in enumerate(layout.chapters):
                final = out_dir / chapter_file_name(index + 1, count, chapter.title, fmt)
                if any(final == other for _tmp, other in moves):
                    raise ExportError(f"Two chapters would both be written to {final.name}.")
                tmp = stack.enter_context(temporary_beside(final))

                def make_encoder(tmp: Path = tmp) -> AudioEncoder:
                    return AudioEncoder(tmp, fmt, rate=sample_rate, bitrate=bitrate)

                limit = None if loudness is None else loudness.peak_limit
                cancel = should_cancel
                peak = encode_chapters(make_encoder, level, limit, progress, [index], should_cancel=cancel)
                peaks.append(peak)
                chapter_tags = BookTags(
                    title=chapter.title,
                    author=tags.author,
                    narrator=tags.narrator,
                    year=tags.year,
                    genre=tags.genre,
                    description=tags.description,
                )
                write_tags(tmp, fmt, chapter_tags, cover, track=(index + 1, count), album=tags.title)
                files.append(ChapterFile(final, chapter.title, layout.chapter_frames(index) / SAMPLE_RATE))
                moves.append((tmp, final))
            playlist_tmp = stack.enter_context(temporary_beside(playlist))
            playlist_tmp.write_text(render_m3u(files, tags.author), encoding="utf-8")
            _put_in_place([*moves, (playlist_tmp, playlist)])
    except BaseException as error:
        if made_dir:
            try:
                out_dir.rmdir()  # a folder made for this export goes with it (only if still empty)
            except OSError:
                pass
        if isinstance(error, (ExportCancelled, ExportError)):
            raise
        if isinstance(error, (OSError, av.FFmpegError, mutagen.MutagenError)):
            raise ExportError(f"Cannot write the chapters' files in {out_dir}: {error}") from error
        raise
    total = sum(item.duration for item in files)
    return SplitResult(tuple(files), playlist, total, level.measurement, level.gain_db, max(peaks))


__all__ = ["AUDIOBOOK_FORMATS", "ChapterFile", "SplitResult", "export_chapter_files", "render_m3u"]
