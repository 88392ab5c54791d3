"""A small picture of a segment's audio: the loudest sample in each of N slices. No Qt here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

BINS = 48


def compute_peaks(path: Path, bins: int = BINS) -> tuple[float, ...]:
    """Peak amplitude (0..1, scaled to the loudest slice) of `bins` equal slices of the file."""
    samples, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = np.abs(samples).max(axis=1)
    if mono.size == 0:
        return (0.0,) * bins
    edges = np.linspace(0, mono.size, bins + 1).astype(int)
    peaks = np.array(
        [
            mono[start:end].max() if end > start else 0.0
            for start, end in zip(edges[:-1], edges[1:], strict=True)
        ]
    )
    top = float(peaks.max())
    return tuple(float(p) for p in (peaks / top if top > 0 else peaks))
