"""One export as the user asked for it: the whole narration, an M4B with chapters, or a file per chapter;
loudness, subtitle cues per sentence and the ACX check. No Qt here.

The engine does the audio (engine/export.py, m4b.py, split_export.py); this module chooses which,
lays the project's chapters out as the engine's BookChapters, lists every file the export will write
(`output_paths`, the one place a check of the targets applies to all of them), builds the cues from
the recorded timings and checks the files written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import soundfile as sf

from narrator_app.engine.acx import AcxCheckError, AcxReport, check_file
from narrator_app.engine.audiobook_encoder import DEFAULT_BITRATE
from narrator_app.engine.book_audio import BookChapter, BookTags, chapter_file_name, plan_book, safe_file_stem
from narrator_app.engine.cues import (
    SegmentTiming,
    Sentence,
    layout_timings,
    segment_cues,
    sentence_cues,
    write_subtitles,
)
from narrator_app.engine.disk_space import write_failure
from narrator_app.engine.export import (
    FORMATS,
    SAMPLE_RATE,
    SUBTITLE_FORMATS,
    ExportError,
    ExportItem,
    export_narration,
    segment_file_name,
    subtitle_path,
    temporary_beside,
)
from narrator_app.engine.loudness import LoudnessError, LoudnessTarget, PeakLimiter, loudness_target
from narrator_app.engine.m4b import DEFAULT_CHAPTER_PAUSE, Progress, export_m4b, plan_level
from narrator_app.engine.split_export import export_chapter_files
from narrator_app.engine.timings import sentences_from_json

BOOK_FORMATS = ("m4b",)
ALL_FORMATS = (*FORMATS, *BOOK_FORMATS)
SPLIT_FORMATS = ("m4b", "mp3")
CUE_BY = ("sentence", "segment")


@dataclass(frozen=True)
class BookItem:
    """A segment to export: its audio, its chapter and its recorded chunk timings (JSON or None)."""

    item: ExportItem
    chapter_id: int
    chapter_title: str
    timings: str | None = None


@dataclass(frozen=True)
class BookOptions:
    """What to write; `tags` are final (the project's book details already filled in)."""

    out_path: Path
    fmt: str = "wav"
    pause: float = 0.5
    subtitles: str | None = None
    segments_dir: Path | None = None
    split: str | None = None  # "chapters": a file per chapter, in out_path's folder
    chapter_pause: float = DEFAULT_CHAPTER_PAUSE
    bitrate: int = DEFAULT_BITRATE
    loudness: str | None = None  # preset name or LUFS; None or "off": as rendered
    tags: BookTags = field(default_factory=BookTags)
    cue_by: str = "sentence"
    check_acx: bool = False


@dataclass(frozen=True)
class ExportOutcome:
    path: Path  # the audio file, or with split the playlist
    duration: float
    segments: int
    subtitles: Path | None
    segment_files: tuple[Path, ...] = ()
    chapters: tuple[tuple[str, float], ...] = ()  # (title, start s)
    files: tuple[Path, ...] = ()  # with split: every chapter's file
    playlist: Path | None = None
    gain_db: float = 0.0
    acx: tuple[tuple[Path, AcxReport], ...] = ()
    cues: int = 0
    untimed_segments: int = 0  # segments whose cues span the whole segment (no recorded timings)


def parse_loudness(value: str | None) -> LoudnessTarget | None:
    """The target of a preset name or LUFS value; ExportError with the reason otherwise."""
    if value is None:
        return None
    try:
        return loudness_target(value)
    except LoudnessError as error:
        raise ExportError(str(error)) from None


def check_options(options: BookOptions) -> None:
    """Refuse what cannot be exported, before anything is written."""
    if options.fmt not in ALL_FORMATS:
        raise ExportError(f"Unknown format {options.fmt!r}; choose one of: {', '.join(ALL_FORMATS)}.")
    if options.split not in (None, "chapters"):
        raise ExportError(f"Unknown split {options.split!r}; the only split is 'chapters'.")
    if options.split and options.fmt not in SPLIT_FORMATS:
        raise ExportError(
            f"A file per chapter is written as {' or '.join(SPLIT_FORMATS)}, not {options.fmt}."
        )
    if options.split and options.subtitles:
        raise ExportError("Subtitles go with one audio file; export without a file per chapter for them.")
    if options.subtitles is not None and options.subtitles not in SUBTITLE_FORMATS:
        raise ExportError(f"Unknown subtitle format {options.subtitles!r}; choose srt or vtt.")
    if options.cue_by not in CUE_BY:
        raise ExportError(f"Unknown cue choice {options.cue_by!r}; choose sentence or segment.")
    if options.segments_dir is not None and (options.fmt not in FORMATS or options.split):
        raise ExportError("Each segment's own file is written only with a WAV, FLAC or MP3 export.")
    if parse_loudness(options.loudness) is not None and options.segments_dir is not None:
        raise ExportError("Loudness normalisation does not apply to each segment's own file; untick one.")


def book_chapters(items: Sequence[BookItem]) -> list[BookChapter]:
    """The project's chapters that have exported segments, in order (empty chapters are left out)."""
    chapters: list[tuple[int, str, list[ExportItem]]] = []
    for entry in items:
        if not chapters or chapters[-1][0] != entry.chapter_id:
            chapters.append((entry.chapter_id, entry.chapter_title, []))
        chapters[-1][2].append(entry.item)
    return [_chapter(title or f"Chapter {n}", e) for n, (_i, title, e) in enumerate(chapters, 1)]


def with_chapter_gaps(items: Sequence[BookItem], chapter_pause: float) -> list[BookItem]:
    """Items for one file of every chapter: the last segment of each chapter but the final one is
    followed by `chapter_pause` (instead of its own pause), as in an M4B."""
    out = list(items)
    for n in range(len(out) - 1):
        if out[n].chapter_id != out[n + 1].chapter_id:
            out[n] = replace(out[n], item=replace(out[n].item, pause_after=chapter_pause))
    return out


def _chapter(title: str, items: Sequence[ExportItem]) -> BookChapter:
    """A chapter of the layout: each segment's file, its trim and its own pause after it."""
    return BookChapter(
        title,
        tuple(i.audio_path for i in items),
        cuts=tuple((i.start, i.end) for i in items),
        pauses_after=tuple(i.pause_after for i in items),
    )


def split_folder(out_path: Path) -> Path:
    """Where a file per chapter goes: the folder named by `out_path` (`book.m4b` → `book/`)."""
    return out_path.with_suffix("") if out_path.suffix.lower() in (".m4b", ".mp3") else out_path


def output_paths(options: BookOptions, items: Sequence[BookItem]) -> list[Path]:
    """Every file this export writes: audio, subtitles, each chapter's or segment's file, the playlist."""
    if options.split:
        chapters = book_chapters(items)
        folder = split_folder(options.out_path)
        paths = [
            folder / chapter_file_name(n, len(chapters), c.title, options.fmt)
            for n, c in enumerate(chapters, start=1)
        ]
        return [*paths, folder / f"{_playlist_stem(options)}.m3u"]
    paths = [options.out_path]
    if options.subtitles:
        paths.append(subtitle_path(options.out_path, options.subtitles))
    if options.segments_dir is not None:
        paths += [
            options.segments_dir / segment_file_name(n, b.item.text, options.fmt)
            for n, b in enumerate(items, start=1)
        ]
    return paths


def _playlist_stem(options: BookOptions) -> str:
    name = options.tags.title or options.out_path.stem
    return safe_file_stem(name) or "Playlist"


def _sentences(items: Sequence[BookItem]) -> tuple[list[tuple[Sentence, ...]], int]:
    spans, untimed = [], 0
    for entry in items:
        sentences = sentences_from_json(entry.timings, entry.item.text)
        untimed += sentences is None
        spans.append(sentences or ())
    return spans, untimed


def _write_cues(options: BookOptions, timings: list[SegmentTiming]) -> tuple[Path | None, int]:
    if options.subtitles is None:
        return None, 0
    cues = sentence_cues(timings) if options.cue_by == "sentence" else segment_cues(timings)
    path = subtitle_path(options.out_path, options.subtitles)
    return write_subtitles(cues, path, options.subtitles), len(cues)


def _levelled_narration(
    items: Sequence[BookItem],
    options: BookOptions,
    target: LoudnessTarget,
    should_cancel: Callable[[], bool] | None,
    on_progress: Callable[[float], None] | None,
) -> tuple[float, float]:
    """The whole narration as one WAV/FLAC/MP3, brought to `target` under its peak limit (two passes:
    measure, then gain + limiter). Returns (duration, gain dB)."""
    from narrator_app.engine.book_audio import iter_blocks

    layout = plan_book([_chapter("", [b.item for b in items])], pause=options.pause, chapter_pause=0)
    progress = Progress(layout.total_frames * 2, on_progress)
    container, subtype = FORMATS[options.fmt]
    out = options.out_path
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with temporary_beside(out) as tmp:
            level = plan_level(layout, target, "mp3", progress, should_cancel)
            ceiling = target.peak_limit - (0.5 if options.fmt == "mp3" else 0.1)
            limiter = PeakLimiter(level.gain_db, ceiling, SAMPLE_RATE)
            with sf.SoundFile(str(tmp), "w", SAMPLE_RATE, 1, subtype, format=container) as sink:
                for block in iter_blocks(level.layout, should_cancel=should_cancel):
                    sink.write(limiter.process(block))
                    progress.advance(len(block))
                sink.write(limiter.flush())
            os.replace(tmp, out)
    except (OSError, RuntimeError, sf.LibsndfileError) as error:
        raise ExportError(write_failure(out, error)) from error
    return layout.duration, level.gain_db


def export_project(
    items: Sequence[BookItem],
    options: BookOptions,
    *,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> ExportOutcome:
    """Export `items` as `options` say; raises ExportError or ExportCancelled, then nothing is written."""
    check_options(options)
    target = parse_loudness(options.loudness)
    spans, untimed = _sentences(items)
    texts = [b.item.text for b in items]
    outcome: ExportOutcome
    if options.split:
        folder = split_folder(options.out_path)
        split = export_chapter_files(
            book_chapters(items),
            folder,
            fmt=options.fmt,
            tags=options.tags,
            pause=options.pause,
            bitrate=options.bitrate,
            loudness=target,
            playlist_name=_playlist_stem(options),
            should_cancel=should_cancel,
            on_progress=on_progress,
        )
        starts, position = [], 0.0
        for chapter_file in split.files:
            starts.append((chapter_file.title, position))
            position += chapter_file.duration
        outcome = ExportOutcome(
            split.playlist,
            split.duration,
            len(items),
            None,
            chapters=tuple(starts),
            files=tuple(f.path for f in split.files),
            playlist=split.playlist,
            gain_db=split.gain_db,
        )
    elif options.fmt == "m4b":
        book = export_m4b(
            book_chapters(items),
            options.out_path,
            tags=options.tags,
            pause=options.pause,
            chapter_pause=options.chapter_pause,
            bitrate=options.bitrate,
            loudness=target,
            should_cancel=should_cancel,
            on_progress=on_progress,
        )
        layout = plan_book(book_chapters(items), pause=options.pause, chapter_pause=options.chapter_pause)
        subtitles, cues = _write_cues(options, layout_timings(layout, texts, spans))
        outcome = ExportOutcome(
            book.path,
            book.duration,
            len(items),
            subtitles,
            chapters=tuple((m.title, m.start) for m in book.chapters),
            gain_db=book.gain_db,
            cues=cues,
        )
    else:
        items = with_chapter_gaps(items, options.chapter_pause)
        gain = 0.0
        if target is None:
            plain = export_narration(
                [b.item for b in items],
                options.out_path,
                fmt=options.fmt,
                pause=options.pause,
                segments_dir=options.segments_dir,
                should_cancel=should_cancel,
                on_progress=on_progress,
            )
            duration, pieces = plain.duration, plain.segment_files
        else:
            duration, gain = _levelled_narration(items, options, target, should_cancel, on_progress)
            pieces = ()
        # As export_narration and _levelled_narration lay it out: trims and pauses after included.
        flat = plan_book([_chapter("", [b.item for b in items])], pause=options.pause, chapter_pause=0)
        subtitles, cues = _write_cues(options, layout_timings(flat, texts, spans))
        outcome = ExportOutcome(
            options.out_path, duration, len(items), subtitles, pieces, gain_db=gain, cues=cues
        )
    acx: list[tuple[Path, AcxReport]] = []
    if options.check_acx:
        for path in outcome.files or (outcome.path,):
            try:
                acx.append((path, check_file(path)))
            except AcxCheckError as error:
                raise ExportError(f"The export was written, but {error}") from error
    untimed_count = untimed if options.subtitles and options.cue_by == "sentence" else 0
    return ExportOutcome(
        outcome.path,
        outcome.duration,
        outcome.segments,
        outcome.subtitles,
        outcome.segment_files,
        outcome.chapters,
        outcome.files,
        outcome.playlist,
        outcome.gain_db,
        tuple(acx),
        outcome.cues,
        untimed_count,
    )
