"""Trims of a take's audio: finding the silence at its ends (auto-trim) and reading the trimmed part.

No Qt. A trim is two numbers, the seconds cut from the start and from the end; the file is never changed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

SILENCE_DB = -45.0  # below this (dBFS peak in a 10 ms window) a stretch counts as silence
_WINDOW_S = 0.01


def trim_frames(frames: int, rate: int, start: float, end: float) -> tuple[int, int]:
    """The first and one-past-last sample heard when `start` and `end` seconds are cut."""
    first = min(frames, max(0, round(start * rate)))
    last = max(first, frames - max(0, round(end * rate)))
    return first, last


def read_trimmed(path: Path, start: float = 0.0, end: float = 0.0) -> tuple[NDArray[np.float32], int]:
    """The mono samples of `path` with `start` and `end` seconds cut, and the sample rate."""
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1).astype(np.float32)
    first, last = trim_frames(len(mono), int(rate), start, end)
    return mono[first:last], int(rate)


def silence_trim(path: Path, margin: float, threshold_db: float = SILENCE_DB) -> tuple[float, float]:
    """The trim that cuts leading and trailing silence longer than `margin` seconds, keeping
    `margin` of it at each end; (0, 0) when the file is silent throughout or has no such silence."""
    samples, rate = read_trimmed(path)
    window = max(1, round(_WINDOW_S * rate))
    count = len(samples) // window
    if count == 0:
        return 0.0, 0.0
    peaks = np.abs(samples[: count * window]).reshape(count, window).max(axis=1)
    loud = np.nonzero(peaks > 10 ** (threshold_db / 20))[0]
    if len(loud) == 0:
        return 0.0, 0.0
    duration = len(samples) / rate
    lead = loud[0] * window / rate
    tail = duration - (loud[-1] + 1) * window / rate
    start = max(0.0, lead - margin)
    end = max(0.0, tail - margin)
    return math.floor(start * 1000) / 1000, math.floor(end * 1000) / 1000
