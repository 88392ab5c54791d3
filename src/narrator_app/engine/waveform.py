"""A small picture of a segment's audio: the loudest sample in each of N slices. No Qt here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

BINS = 48
BLOCK_FRAMES = 1 << 16  # read in blocks: an hour of audio must not be held in memory at once


def compute_peaks(path: Path, bins: int = BINS, block_frames: int = BLOCK_FRAMES) -> tuple[float, ...]:
    """Peak amplitude (0..1, scaled to the loudest slice) of `bins` equal slices of the file."""
    with sf.SoundFile(str(path)) as audio:
        frames = audio.frames
        if frames == 0:
            return (0.0,) * bins
        edges = np.linspace(0, frames, bins + 1).astype(np.int64)
        peaks = np.zeros(bins, dtype=np.float64)
        start = 0
        for block in audio.blocks(blocksize=block_frames, dtype="float32", always_2d=True):
            mono = np.abs(block).max(axis=1)
            end = start + mono.size
            first = int(np.searchsorted(edges, start, side="right")) - 1
            last = int(np.searchsorted(edges, end - 1, side="right")) - 1
            for b in range(first, min(last, bins - 1) + 1):
                lo, hi = max(int(edges[b]), start) - start, min(int(edges[b + 1]), end) - start
                if hi > lo:
                    peaks[b] = max(peaks[b], float(mono[lo:hi].max()))
            start = end
    top = float(peaks.max())
    return tuple(float(p) for p in (peaks / top if top > 0 else peaks))
