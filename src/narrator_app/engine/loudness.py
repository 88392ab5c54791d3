"""Loudness of a whole export, measured while streaming, and the gain and peak limit that reach a target.

No Qt here. Integrated loudness follows ITU-R BS.1770-4 as pyloudnorm implements it, but block by
block: the samples go through pyloudnorm's own K-weighting filters (its coefficients, run with
scipy's lfilter carrying the filter state from one block to the next), the mean square of every
100 ms is kept (36,000 floats for 10 hours), and the 400 ms gating blocks with 75 % overlap are the
sums of four consecutive 100 ms parts. The absolute (−70 LUFS) and relative (−10 LU) gates are then
applied to those block energies exactly as in pyloudnorm's `integrated_loudness`, which needs the
whole signal in memory; the test compares the two on the same audio.

The ACX preset is not a LUFS target: ACX measures the plain RMS of the whole file (pauses included),
so it aims at RMS −20 dB, the middle of ACX's −23…−18 dB, with peaks at most −3 dB.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# pyloudnorm and scipy are imported where they are used: importing them costs about a second, which the
# window's start-up (it imports this module for the presets) should not pay before anything is exported.

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
MAX_GAIN_DB = 40.0  # never lift near-silence into loud noise


@dataclass(frozen=True)
class LoudnessTarget:
    """What to normalise to: integrated loudness ("lufs") or plain RMS ("rms"), and the peak ceiling."""

    name: str
    measure: str  # "lufs" or "rms"
    level: float  # LUFS, or dBFS RMS
    peak_limit: float = -1.0  # dBFS, checked on the 4x oversampled (true) peak

    def __post_init__(self) -> None:
        if self.measure not in ("lufs", "rms"):
            raise ValueError(f"Unknown loudness measure {self.measure!r}; choose lufs or rms.")


PRESETS: dict[str, LoudnessTarget | None] = {
    "acx": LoudnessTarget("Audiobook (ACX: RMS −23 to −18 dB, peaks ≤ −3 dB)", "rms", -20.0, -3.0),
    "podcast": LoudnessTarget("Podcast −16 LUFS", "lufs", -16.0, -1.0),
    "broadcast": LoudnessTarget("Broadcast −23 LUFS", "lufs", -23.0, -1.0),
    "off": None,
}


class LoudnessError(ValueError):
    """A loudness setting that cannot be used; the message says why."""


def loudness_target(value: str) -> LoudnessTarget | None:
    """A preset name (acx, podcast, broadcast, off) or a number of LUFS, e.g. '-18'."""
    key = value.strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    try:
        level = float(key)
    except ValueError:
        raise LoudnessError(
            f"Unknown loudness {value!r}; give a number of LUFS (e.g. -16) or one of: {', '.join(PRESETS)}."
        ) from None
    if not -40.0 <= level <= -5.0:
        raise LoudnessError(f"The loudness must be between -40 and -5 LUFS; got {level:g}.")
    return LoudnessTarget(f"{level:g} LUFS", "lufs", level, -1.0)


def _db(power: float) -> float:
    return 10.0 * float(np.log10(power)) if power > 0 else float("-inf")


@dataclass(frozen=True)
class Measurement:
    lufs: float  # integrated loudness, -inf for silence
    rms_db: float  # RMS of every sample, dBFS (a full-scale square wave is 0 dB)
    peak_db: float  # sample peak, dBFS
    seconds: float


def gated_loudness(blocks: Sequence[NDArray[np.float64]]) -> float:
    """BS.1770-4's gated loudness (LUFS) of 400 ms block energies, given in runs (e.g. one per
    segment, each already scaled by its gain); -inf when nothing is above the gates."""
    z = np.concatenate([np.asarray(run, dtype=np.float64) for run in blocks]) if blocks else np.zeros(0)
    if not len(z):
        return float("-inf")
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10.0 * np.log10(z)
    above = z[levels >= ABSOLUTE_GATE]
    if not len(above):
        return float("-inf")
    relative = -0.691 + _db(float(above.mean())) + RELATIVE_GATE
    gated = z[(levels > relative) & (levels > ABSOLUTE_GATE)]
    return -0.691 + _db(float(gated.mean())) if len(gated) else float("-inf")


class LoudnessMeter:
    """Integrated loudness (BS.1770-4), RMS and sample peak of mono audio fed in blocks of any size."""

    def __init__(self, rate: int) -> None:
        if rate % 10:
            raise ValueError("The sample rate must be a multiple of 10 Hz (100 ms parts).")
        self.rate = rate
        import pyloudnorm
        from scipy.signal import lfilter

        self._lfilter = lfilter
        filters = pyloudnorm.Meter(rate)._filters.values()  # high shelf, then high pass
        self._stages = [(f.b, f.a, f.passband_gain, np.zeros(len(f.a) - 1)) for f in filters]
        self._hop = rate // 10
        self._carry = np.zeros(0)
        self._parts: list[float] = []  # mean square of each 100 ms of K-weighted audio
        self._sum_squares = 0.0
        self._count = 0
        self._peak = 0.0

    def add(self, block: NDArray[np.float32]) -> None:
        if not len(block):
            return
        samples = block.astype(np.float64)
        self._sum_squares += float(np.dot(samples, samples))
        self._count += len(samples)
        self._peak = max(self._peak, float(np.max(np.abs(samples))))
        weighted = samples
        for index, (b, a, gain, state) in enumerate(self._stages):
            weighted, state = self._lfilter(b, a, weighted, zi=state)
            weighted = weighted * gain
            self._stages[index] = (b, a, gain, state)
        weighted = np.concatenate([self._carry, weighted])
        whole = len(weighted) // self._hop * self._hop
        if whole:
            parts = np.square(weighted[:whole]).reshape(-1, self._hop).mean(axis=1)
            self._parts.extend(parts.tolist())
        self._carry = weighted[whole:]

    def integrated(self) -> float:
        """The gated loudness in LUFS; -inf when nothing is above the gates (silence, or < 400 ms)."""
        return gated_loudness([self.gating_blocks()])

    def gating_blocks(self) -> NDArray[np.float64]:
        """The mean square of every 400 ms block (75 % overlap) of the K-weighted audio so far."""
        parts = np.asarray(self._parts, dtype=np.float64)
        if len(parts) < 4:
            return np.zeros(0)
        return (parts[:-3] + parts[1:-2] + parts[2:-1] + parts[3:]) / 4.0

    def short_loudness(self) -> float:
        """The ungated loudness of audio too short to gate (under 400 ms): the mean of its 100 ms parts,
        -inf if that is under the absolute gate (or there is not one whole part)."""
        if not self._parts:
            return float("-inf")
        level = -0.691 + _db(float(np.mean(self._parts)))
        return level if level >= ABSOLUTE_GATE else float("-inf")

    @property
    def sum_squares(self) -> float:
        return self._sum_squares

    @property
    def peak(self) -> float:
        return self._peak

    def result(self) -> Measurement:
        rms = self._sum_squares / self._count if self._count else 0.0
        peak = 20.0 * float(np.log10(self._peak)) if self._peak > 0 else float("-inf")
        return Measurement(self.integrated(), _db(rms), peak, self._count / self.rate)


def measure(blocks: Iterable[NDArray[np.float32]], rate: int) -> Measurement:
    meter = LoudnessMeter(rate)
    for block in blocks:
        meter.add(block)
    return meter.result()


def gain_db(target: LoudnessTarget, measured: Measurement) -> float:
    """The gain that brings the measured audio to the target (before limiting); 0 for silence."""
    level = measured.lufs if target.measure == "lufs" else measured.rms_db
    if not np.isfinite(level):
        return 0.0
    return float(min(target.level - level, MAX_GAIN_DB))


class PeakLimiter:
    """A gain, then a look-ahead peak limiter: no output sample, nor any point between samples as a
    4x oversampling sees it, goes above `ceiling_db`.

    For each sample the gain needed is g = min(1, ceiling / peak), peak being the largest of the
    sample and its 4x-oversampled neighbours. That is held for `hold` (so the gain does not pump
    between syllables), taken as the minimum over the next `attack` samples, then averaged over
    `attack` samples: every average covers only minima whose window includes the sample itself, so the
    smoothed gain is never above what that sample needs. The limiter delays nothing: it keeps the
    attack and filter context of samples not yet emitted, and `flush` gives the rest.
    """

    def __init__(
        self, gain_db: float, ceiling_db: float, rate: int, *, attack: float = 0.005, hold: float = 0.05
    ):
        self._gain = float(10 ** (gain_db / 20))
        self._ceiling = float(10 ** (ceiling_db / 20))
        self._attack = max(1, round(attack * rate))
        self._hold = round(hold * rate)
        self._context = 16  # input samples the 4x interpolation filter reaches (resample_poly: 10)
        self._left = self._attack - 1 + self._hold + self._context
        self._right = self._attack - 1 + self._context
        self._history = np.zeros(self._left)
        self._pending = np.zeros(0)

    def process(self, block: NDArray[np.float32]) -> NDArray[np.float32]:
        self._pending = np.concatenate([self._pending, block.astype(np.float64) * self._gain])
        ready = len(self._pending) - self._right
        return self._emit(ready) if ready > 0 else np.zeros(0, dtype=np.float32)

    def flush(self) -> NDArray[np.float32]:
        ready = len(self._pending)
        self._pending = np.concatenate([self._pending, np.zeros(self._right)])
        return self._emit(ready) if ready else np.zeros(0, dtype=np.float32)

    def _emit(self, count: int) -> NDArray[np.float32]:
        window = np.concatenate([self._history, self._pending[: count + self._right]])
        out = self._pending[:count]
        if np.max(np.abs(window)) * 2.0 > self._ceiling:  # otherwise no inter-sample peak can reach it
            out = out * self._gains(window)[self._left : self._left + count]
        self._history = np.concatenate([self._history, self._pending[:count]])[-self._left :]
        self._pending = self._pending[count:]
        return out.astype(np.float32)

    def _gains(self, window: NDArray[np.float64]) -> NDArray[np.float64]:
        from scipy.ndimage import minimum_filter1d as _minimum_filter1d  # on first use (see the top)
        from scipy.signal import resample_poly

        upsampled = np.abs(resample_poly(window, 4, 1))
        peaks = np.maximum(np.abs(window), upsampled.reshape(-1, 4).max(axis=1))
        peaks = np.maximum(peaks, np.concatenate([[0.0], peaks[:-1]]))  # the peak just before it too
        with np.errstate(divide="ignore"):
            needed = np.minimum(1.0, self._ceiling / np.maximum(peaks, 1e-12))
        span = self._hold + self._attack  # minimum over [s - hold, s + attack - 1]
        held: NDArray[np.float64] = np.asarray(
            _minimum_filter1d(needed, size=span, origin=self._hold - span // 2, mode="nearest"),
            dtype=np.float64,
        )
        cumulative = np.concatenate([[0.0], np.cumsum(held)])
        smoothed = np.ones_like(held)
        a = self._attack
        smoothed[a - 1 :] = (cumulative[a:] - cumulative[:-a]) / a  # mean over [t - attack + 1, t]
        result: NDArray[np.float64] = np.minimum(smoothed, needed)
        return result
