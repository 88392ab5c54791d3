"""M4B export of a long narration against the ffmpeg program encoding the same audio to AAC.

    PYTHONPATH=src python bench/m4b_export.py --hours 10 --runs 2 [--loudness podcast]

A few segment WAVs (noise at speech-like levels and near-silence, 24 kHz mono; not speech) are
written once and repeated in the chapter list until the book lasts `--hours`, so 10 hours need no
10 hours of files on disk. Narrator's export (engine/m4b.py, PyAV's AAC encoder, 64 kb/s mono,
44.1 kHz, chapter marks, pauses) is timed against `ffmpeg -f concat` over the same files and the
same pauses (silence WAVs in the list) encoding to AAC at the same bitrate and rate. Prints one JSON
object: the median of `--runs` runs of each, and their ratio. Needs `ffmpeg` on PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from narrator_app.engine.book_audio import BookChapter
from narrator_app.engine.loudness import loudness_target
from narrator_app.engine.m4b import export_m4b

RATE = 24_000
SEGMENT_SECONDS = (12.0, 7.5, 20.0, 3.0)  # noise at different levels
PAUSE = 0.5
CHAPTER_PAUSE = 2.0
SEGMENTS_PER_CHAPTER = 40


def make_segments(folder: Path) -> tuple[list[Path], Path, Path]:
    rng = np.random.default_rng(0)
    paths = []
    for index, seconds in enumerate(SEGMENT_SECONDS):
        level = (0.03, 0.1, 0.05, 0.001)[index]
        samples = (level * rng.standard_normal(round(seconds * RATE))).astype(np.float32)
        path = folder / f"seg{index}.wav"
        sf.write(str(path), samples, RATE, subtype="PCM_16")
        paths.append(path)
    pause = folder / "pause.wav"
    sf.write(str(pause), np.zeros(round(PAUSE * RATE), np.float32), RATE, subtype="PCM_16")
    chapter_pause = folder / "chapter_pause.wav"
    sf.write(str(chapter_pause), np.zeros(round(CHAPTER_PAUSE * RATE), np.float32), RATE, subtype="PCM_16")
    return paths, pause, chapter_pause


def plan(segments: list[Path], hours: float) -> list[BookChapter]:
    chapters: list[BookChapter] = []
    total = 0.0
    index = 0
    while total < hours * 3600:
        files = []
        for _ in range(SEGMENTS_PER_CHAPTER):
            files.append(segments[index % len(segments)])
            total += SEGMENT_SECONDS[index % len(segments)] + PAUSE
            index += 1
        chapters.append(BookChapter(f"Chapter {len(chapters) + 1}", tuple(files)))
        total += CHAPTER_PAUSE
    return chapters


def concat_list(chapters: list[BookChapter], pause: Path, chapter_pause: Path, path: Path) -> None:
    lines = []
    for number, chapter in enumerate(chapters):
        if number:
            lines.append(chapter_pause)
        for index, segment in enumerate(chapter.segments):
            if index:
                lines.append(pause)
            lines.append(segment)
    path.write_text("".join(f"file '{p}'\n" for p in lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--loudness", default="off")
    args = parser.parse_args()
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("ffmpeg is not on PATH (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        segments, pause, chapter_pause = make_segments(folder)
        chapters = plan(segments, args.hours)
        listing = folder / "list.txt"
        concat_list(chapters, pause, chapter_pause, listing)
        ours, theirs = [], []
        duration = 0.0
        for _run in range(args.runs):
            start = time.perf_counter()
            result = export_m4b(
                chapters,
                folder / "book.m4b",
                pause=PAUSE,
                chapter_pause=CHAPTER_PAUSE,
                loudness=loudness_target(args.loudness),
            )
            ours.append(time.perf_counter() - start)
            duration = result.duration
            start = time.perf_counter()
            subprocess.run(
                [
                    ffmpeg,
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "concat",
                    "-safe",
                    "0",
                    "-i",
                    str(listing),
                    "-ar",
                    "44100",
                    "-ac",
                    "1",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "64k",
                    str(folder / "ffmpeg.m4a"),
                ],
                check=True,
            )
            theirs.append(time.perf_counter() - start)
        version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
        report = {
            "audio_hours": round(duration / 3600, 3),
            "chapters": len(chapters),
            "segments": sum(len(c.segments) for c in chapters),
            "loudness": args.loudness,
            "narrator_s": [round(t, 2) for t in ours],
            "ffmpeg_s": [round(t, 2) for t in theirs],
            "narrator_median_s": round(statistics.median(ours), 2),
            "ffmpeg_median_s": round(statistics.median(theirs), 2),
            "ratio": round(statistics.median(ours) / statistics.median(theirs), 3),
            "m4b_bytes": (folder / "book.m4b").stat().st_size,
            "ffmpeg_bytes": (folder / "ffmpeg.m4a").stat().st_size,
            "ffmpeg": version,
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
