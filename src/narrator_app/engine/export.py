"""Exporting a narration: every segment's audio in order, with pauses, into one file, plus subtitles.

No Qt here. Written to temporary files beside the targets and renamed at the end, so a cancel or an
error leaves nothing behind and never touches an earlier export.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from narrator_app.engine.audio_files import create_temp_beside
from narrator_app.engine.disk_space import write_failure
from narrator_app.engine.trim import trim_frames

SAMPLE_RATE = 24_000
FORMATS = {"wav": ("WAV", "PCM_16"), "flac": ("FLAC", "PCM_16"), "mp3": ("MP3", "MPEG_LAYER_III")}
SUBTITLE_FORMATS = ("srt", "vtt")
MAX_PAUSE = 10.0
MAX_PAUSE_AFTER = 30.0  # seconds: a segment's own pause after it (a chapter's end may want more)


class ExportCancelled(Exception):
    pass


class ExportError(Exception):
    """The export could not be made; the message says why."""


@dataclass(frozen=True)
class ExportItem:
    segment_id: int
    text: str
    audio_path: Path
    pause_after: float | None = None  # seconds of silence after it, instead of the export's pause
    start: float = 0.0  # seconds of the audio cut from its start (the take's trim)
    end: float = 0.0  # seconds cut from its end


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class ExportResult:
    path: Path
    duration: float
    segments: int
    subtitles: Path | None
    segment_files: tuple[Path, ...] = ()


_UNSAFE = re.compile(r"[^\w\s,'-]+")


def segment_file_name(number: int, text: str, fmt: str) -> str:
    """'003 The lighthouse keeper climbed.mp3': the number keeps the order, a few words say which."""
    words = _UNSAFE.sub("", " ".join(text.split()[:6])).strip()[:60].strip()
    return f"{number:03d} {words}.{fmt}" if words else f"{number:03d}.{fmt}"


def subtitle_path(out_path: Path, subtitles: str) -> Path:
    return out_path.with_suffix(f".{subtitles}")


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def render_subtitles(cues: list[Cue], kind: str, *, keep_lines: bool = False) -> str:
    """SRT or WebVTT, one block per cue; with `keep_lines`, a cue's line breaks are kept (one cue may
    have up to two lines), otherwise its text is one line."""
    separator = "," if kind == "srt" else "."
    blocks = []
    for number, cue in enumerate(cues, start=1):
        lines = cue.text.split("\n") if keep_lines else [cue.text]
        text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
        times = f"{_timestamp(cue.start, separator)} --> {_timestamp(cue.end, separator)}"
        blocks.append(f"{number}\n{times}\n{text}\n" if kind == "srt" else f"{times}\n{text}\n")
    body = "\n".join(blocks)
    return body if kind == "srt" else f"WEBVTT\n\n{body}"


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """An empty temporary file beside `target`, removed on the way out unless renamed away."""
    fd, tmp = create_temp_beside(target)
    os.close(fd)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)  # after a successful rename there is nothing left to remove


def export_narration(
    items: list[ExportItem],
    out_path: Path,
    *,
    fmt: str = "wav",
    pause: float = 0.5,
    subtitles: str | None = None,
    segments_dir: Path | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> ExportResult:
    """Join the items' audio with `pause` seconds between them (none before the first or after the
    last; after an item with its own `pause_after`, that many seconds instead); with `segments_dir`,
    also each segment's audio in its own file there, in the same format. Raises ExportError (with
    the reason) or ExportCancelled; then nothing is written."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    if subtitles is not None and subtitles not in SUBTITLE_FORMATS:
        raise ExportError(f"Unknown subtitle format {subtitles!r}; choose srt or vtt.")
    if not 0 <= pause <= MAX_PAUSE:
        raise ExportError(f"The pause must be between 0 and {MAX_PAUSE:g} seconds; got {pause:g}.")
    if not items:
        raise ExportError("There is no audio to export.")
    for item in items:
        if item.pause_after is not None and not 0 <= item.pause_after <= MAX_PAUSE_AFTER:
            raise ExportError(
                f"The pause after segment {item.segment_id} must be between 0 and {MAX_PAUSE_AFTER:g} "
                f"seconds; got {item.pause_after:g}."
            )
    if out_path.is_dir() or not out_path.name:
        raise ExportError(f"{out_path} is a folder; give the name of the file to write.")
    if segments_dir is not None and segments_dir.exists() and not segments_dir.is_dir():
        raise ExportError(f"{segments_dir} is a file; give a folder for the segments' files.")
    container, subtype = FORMATS[fmt]
    silence = np.zeros(round(pause * SAMPLE_RATE), dtype=np.float32)
    cues: list[Cue] = []
    position = 0  # samples written so far
    pieces: list[tuple[Path, Path]] = []  # (temporary, final) of each segment's own file
    made_dir = segments_dir is not None and not segments_dir.exists()
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            audio_tmp = stack.enter_context(temporary_beside(out_path))
            with sf.SoundFile(
                str(audio_tmp), "w", samplerate=SAMPLE_RATE, channels=1, format=container, subtype=subtype
            ) as out:
                for index, item in enumerate(items):
                    if should_cancel is not None and should_cancel():
                        raise ExportCancelled()
                    try:
                        samples, rate = sf.read(str(item.audio_path), dtype="float32", always_2d=True)
                    except (OSError, RuntimeError, sf.LibsndfileError) as error:
                        raise ExportError(
                            f"Cannot read the audio of segment {item.segment_id} ({item.audio_path}): "
                            f"{error}. Generate it again and export again; nothing was written."
                        ) from error
                    if rate != SAMPLE_RATE:
                        raise ExportError(
                            f"{item.audio_path} is {rate} Hz; Narrator's audio is {SAMPLE_RATE} Hz."
                        )
                    if index:
                        before = items[index - 1].pause_after
                        gap = silence if before is None else np.zeros(round(before * SAMPLE_RATE), np.float32)
                        out.write(gap)
                        position += len(gap)
                    mono = samples.mean(axis=1)
                    first, last = trim_frames(len(mono), SAMPLE_RATE, item.start, item.end)
                    mono = mono[first:last]
                    out.write(mono)
                    if segments_dir is not None:
                        final = segments_dir / segment_file_name(index + 1, item.text, fmt)
                        piece = stack.enter_context(temporary_beside(final))
                        sf.write(str(piece), mono, SAMPLE_RATE, format=container, subtype=subtype)
                        pieces.append((piece, final))
                    cues.append(Cue(position / SAMPLE_RATE, (position + len(mono)) / SAMPLE_RATE, item.text))
                    position += len(mono)
                    if on_progress is not None:
                        on_progress((index + 1) / len(items))
            subtitle_file = subtitle_tmp = None
            if subtitles is not None:
                subtitle_file = subtitle_path(out_path, subtitles)
                subtitle_tmp = stack.enter_context(temporary_beside(subtitle_file))
                subtitle_tmp.write_text(render_subtitles(cues, subtitles), encoding="utf-8")
            # The audio first: if it cannot go into place, no new subtitles are left beside an old file.
            os.replace(audio_tmp, out_path)
            if subtitle_file is not None and subtitle_tmp is not None:
                os.replace(subtitle_tmp, subtitle_file)
            for piece, final in pieces:
                os.replace(piece, final)
    except BaseException as error:
        if made_dir and segments_dir is not None and not any(final.exists() for _p, final in pieces):
            try:
                segments_dir.rmdir()  # a folder made for this export goes with it
            except OSError:
                pass
        if isinstance(error, (ExportCancelled, ExportError)):
            raise
        if isinstance(error, (OSError, RuntimeError, sf.LibsndfileError)):
            raise ExportError(write_failure(out_path, error)) from error
        raise
    return ExportResult(
        out_path, position / SAMPLE_RATE, len(items), subtitle_file, tuple(final for _p, final in pieces)
    )
