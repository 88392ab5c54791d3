"""The ACX check of an audiobook file or of samples: RMS, peak and noise floor against ACX's limits.

No Qt here. The figures are measured as Audacity's "ACX Check" does, which is what ACX's reviewers
refer to:
- RMS: the root mean square of every sample of the file (pauses included), in dBFS, no weighting
  (a full-scale sine is −3 dB); it must lie between −23 and −18 dB.
- Peak: the largest sample magnitude, in dBFS; at most −3 dB.
- Noise floor: the RMS of the quietest 500 ms of the file, taken over windows sliding in 50 ms
  steps; at most −60 dB. Digital silence (all samples zero) has a noise floor of −inf dB: it passes
  this figure, but ACX asks for room tone rather than digital silence, so `digital_silence` says so.
A file is decoded with PyAV in blocks (any format it reads: M4B, MP3, WAV, FLAC), mixed to mono.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray

RMS_RANGE = (-23.0, -18.0)
PEAK_MAX = -3.0
NOISE_FLOOR_MAX = -60.0
WINDOW = 0.5  # seconds, for the noise floor
STEP = 0.05


class AcxCheckError(Exception):
    """The audio could not be read for the check; the message says why."""


@dataclass(frozen=True)
class AcxReport:
    rms_db: float
    peak_db: float
    noise_floor_db: float
    seconds: float
    rms_ok: bool
    peak_ok: bool
    noise_floor_ok: bool
    digital_silence: bool  # the quietest 500 ms are exact zeros

    @property
    def passed(self) -> bool:
        return self.rms_ok and self.peak_ok and self.noise_floor_ok

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON (−inf becomes None)."""
        values = {
            k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()
        }
        return {**values, "passed": self.passed}


def _db(power: float) -> float:
    return 10.0 * float(np.log10(power)) if power > 0 else float("-inf")


class _Accumulator:
    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.step = max(1, round(STEP * rate))
        self.steps_per_window = max(1, round(WINDOW / STEP))
        self.sum_squares = 0.0
        self.count = 0
        self.peak = 0.0
        self.carry = np.zeros(0)
        self.parts: list[float] = []  # sum of squares of every 50 ms

    def add(self, block: NDArray[Any]) -> None:
        samples = np.asarray(block, dtype=np.float64)
        if not len(samples):
            return
        self.sum_squares += float(np.dot(samples, samples))
        self.count += len(samples)
        self.peak = max(self.peak, float(np.max(np.abs(samples))))
        samples = np.concatenate([self.carry, samples])
        whole = len(samples) // self.step * self.step
        self.parts.extend(np.square(samples[:whole]).reshape(-1, self.step).sum(axis=1).tolist())
        self.carry = samples[whole:]

    def report(self) -> AcxReport:
        if not self.count:
            raise AcxCheckError("There is no audio to check.")
        rms = _db(self.sum_squares / self.count)
        peak = 20.0 * float(np.log10(self.peak)) if self.peak > 0 else float("-inf")
        parts = np.asarray(self.parts)
        if len(parts) >= self.steps_per_window:
            sums = np.convolve(parts, np.ones(self.steps_per_window), mode="valid")
            quietest = float(sums.min()) / (self.steps_per_window * self.step)
        else:  # shorter than 500 ms: the whole file is its quietest part
            quietest = self.sum_squares / self.count
        floor = _db(quietest)
        return AcxReport(
            rms_db=rms,
            peak_db=peak,
            noise_floor_db=floor,
            seconds=self.count / self.rate,
            rms_ok=RMS_RANGE[0] <= rms <= RMS_RANGE[1],
            peak_ok=peak <= PEAK_MAX,
            noise_floor_ok=floor <= NOISE_FLOOR_MAX,
            digital_silence=quietest == 0.0,
        )


def check_blocks(blocks: Iterable[NDArray[Any]], rate: int) -> AcxReport:
    """The ACX figures of mono samples given in blocks (float, full scale 1.0)."""
    accumulator = _Accumulator(rate)
    for block in blocks:
        accumulator.add(block)
    return accumulator.report()


def check_samples(samples: NDArray[Any], rate: int) -> AcxReport:
    return check_blocks([np.asarray(samples).reshape(-1)], rate)


def _decoded(container: av.container.InputContainer) -> Iterator[NDArray[np.float32]]:
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=stream.rate)
    for frame in container.decode(stream):
        for mono in resampler.resample(frame):
            yield np.asarray(mono.to_ndarray(), dtype=np.float32).reshape(-1)
    for mono in resampler.resample(None):
        yield np.asarray(mono.to_ndarray(), dtype=np.float32).reshape(-1)


def check_file(path: Path) -> AcxReport:
    """The ACX figures of an audio file, decoded block by block."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AcxCheckError(f"{path} has no audio stream to check.")
            rate = container.streams.audio[0].rate
            return check_blocks(_decoded(container), rate)
    except (av.FFmpegError, OSError) as error:
        raise AcxCheckError(f"Cannot read {path} for the ACX check: {error}") from error
