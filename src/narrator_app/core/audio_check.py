"""A cheap look at a segment's recorded audio file: is it still the file Narrator wrote?

Audio damaged outside Narrator (truncated by a copy, overwritten with garbage, replaced by a shorter
file) must not pass for ready. Only the file's size and WAV header are read, never the samples, so
that listing a project stays fast: the header's sample count must match the duration recorded, and
the file must be long enough to hold every sample the header announces. The result is cached per
file version (size, mtime, inode), so an unchanged file costs one `stat`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import soundfile as sf

# Narrator writes 24 kHz mono 16-bit PCM; a recorded duration is frames / rate, exactly.
DURATION_TOLERANCE_S = 0.002


def audio_problem(path: Path, recorded_duration: float | None) -> str:
    """What is wrong with a segment's audio file, in words, or "" when it looks whole."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return f"Its audio file {path.name} is missing."
    except OSError as error:
        return f"Its audio file {path.name} cannot be read: {error.strerror or error}."
    return _problem(str(path), recorded_duration, stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _problem(path: str, recorded: float | None, size: int, _mtime_ns: int, _inode: int) -> str:
    name = Path(path).name
    try:
        info = sf.info(path)
    except (OSError, RuntimeError, sf.LibsndfileError):
        return f"Its audio file {name} is damaged: it is not a readable WAV file."
    if info.samplerate <= 0 or info.frames <= 0:
        return f"Its audio file {name} is damaged: it holds no audio."
    duration = info.frames / info.samplerate
    if recorded is not None and abs(duration - recorded) > DURATION_TOLERANCE_S:
        return (
            f"Its audio file {name} is damaged: it is {duration:.2f} s long, but {recorded:.2f} s "
            "were recorded."
        )
    if info.format == "WAV" and info.subtype == "PCM_16":
        needed = 44 + info.frames * info.channels * 2  # the smallest header, then every sample
        if size < needed:
            return f"Its audio file {name} is damaged: it is cut short ({size:,} of {needed:,} bytes)."
    return ""
