"""The audiobook options of `export` (M4B, a file per chapter, tags, loudness, cues, ACX check):
their arguments, and the checked values an ExportRequest takes."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from narrator_app.cli.common import UsageError

EXPORT_FORMATS = ("wav", "flac", "mp3", "m4b")
MAX_CHAPTER_PAUSE = 30.0
TAGS = ("title", "author", "narrator", "year", "genre", "description")
_BITRATE = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|kb/s|kbps)?$", re.IGNORECASE)


def add_audiobook_options(export: argparse.ArgumentParser) -> None:
    book = export.add_argument_group("audiobook")
    book.add_argument(
        "--split",
        choices=("chapters",),
        help="a file per chapter (m4b or mp3) and an M3U playlist, in the folder --out names "
        "(book.m4b: book/)",
    )
    book.add_argument("--chapter-pause", type=float, default=2.0, help="seconds between chapters (default 2)")
    book.add_argument("--bitrate", default="64k", help="AAC/MP3 bitrate of m4b and per-chapter files (64k)")
    for tag in TAGS:
        book.add_argument(f"--{tag}", help=f"the book's {tag} (default: the project's book details)")
    book.add_argument("--cover", help="a JPEG or PNG cover image for the M4B or the chapters' files")
    book.add_argument(
        "--loudness",
        help="normalise the export: acx, podcast (-16 LUFS), broadcast (-23 LUFS), off, or LUFS (e.g. -18)",
    )
    book.add_argument(
        "--check", choices=("acx",), help="check the files written against ACX's limits (exit 1 if one fails)"
    )
    book.add_argument(
        "--cue-by",
        choices=("sentence", "segment"),
        default="sentence",
        help="a subtitle cue per sentence (default) or per segment",
    )


def parse_bitrate(text: str) -> int:
    """'64k', '96 kb/s' or '64000' as bits per second, 32 to 320 kb/s."""
    match = _BITRATE.match(text.strip())
    if match is None:
        raise UsageError(f"--bitrate must be like 64k or 96k; got {text!r}")
    value = float(match.group(1))
    bits = round(value * 1000) if match.group(2) or value < 1000 else round(value)
    if not 32_000 <= bits <= 320_000:
        raise UsageError(f"--bitrate must be between 32k and 320k; got {text!r}")
    return bits


def audiobook_fields(args: argparse.Namespace, fmt: str) -> dict[str, Any]:
    """The ExportRequest fields of the audiobook options, checked; UsageError (exit 2) otherwise."""
    from narrator_app.app.catalog import loudness_choice

    if args.split and fmt not in ("m4b", "mp3"):
        raise UsageError(f"--split chapters writes m4b or mp3 files, not {fmt}; give --format m4b or mp3")
    if args.split and args.subtitles:
        raise UsageError("--subtitles go with one audio file; leave out --split for them")
    if args.split and args.segments_dir:
        raise UsageError("--segments-dir goes with one WAV, FLAC or MP3 file; leave out --split for it")
    if fmt == "m4b" and args.segments_dir:
        raise UsageError("--segments-dir is for wav, flac or mp3 exports, not m4b")
    if not 0 <= args.chapter_pause <= MAX_CHAPTER_PAUSE:
        raise UsageError(
            f"--chapter-pause must be between 0 and {MAX_CHAPTER_PAUSE:g} seconds; got {args.chapter_pause:g}"
        )
    loudness = None
    if args.loudness is not None:
        problem = loudness_choice(args.loudness)
        if problem:
            raise UsageError(f"--loudness: {problem}")
        loudness = args.loudness.strip().lower()
        if loudness != "off" and args.segments_dir:
            raise UsageError("--loudness does not apply to --segments-dir files; leave one of them out")
    cover = None
    if args.cover:
        cover = Path(args.cover).expanduser().resolve()
        if not cover.is_file():
            raise UsageError(f"--cover: {cover} is not a file")
        with cover.open("rb") as handle:
            head = handle.read(8)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")):
            raise UsageError(f"--cover: {cover} is not a JPEG or PNG image")
    if args.year is not None and not re.fullmatch(r"\d{1,4}(-\d{2}(-\d{2})?)?", args.year.strip()):
        raise UsageError(f"--year must be a year such as 2024; got {args.year!r}")
    return {
        "split": args.split,
        "chapter_pause": args.chapter_pause,
        "bitrate": parse_bitrate(args.bitrate),
        "loudness": None if loudness == "off" else loudness,
        "cover": cover,
        "cue_by": args.cue_by,
        "check_acx": args.check == "acx",
        **{tag: getattr(args, tag) for tag in TAGS},
    }


def outcome_payload(result: Any) -> dict[str, Any]:
    """What `export --json` adds for the audiobook options."""
    payload: dict[str, Any] = {
        "chapters": [{"title": title, "start": round(start, 3)} for title, start in result.chapters],
        "cues": result.cues,
    }
    if result.files:
        payload["files"] = [str(path) for path in result.files]
        payload["playlist"] = str(result.playlist)
    if result.untimed_segments:
        payload["untimed_segments"] = result.untimed_segments
        payload["note"] = (
            f"{result.untimed_segments} segment(s) have no recorded sentence timings (audio rendered "
            "before Narrator recorded them): one cue spans each of them. "
            "Regenerate them for a cue per sentence."
        )
    if result.acx:
        reports = {str(path): report.as_dict() for path, report in result.acx}
        payload["acx"] = {"passed": all(r["passed"] for r in reports.values()), "files": reports}
    return payload
