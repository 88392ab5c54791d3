"""Loudness: the streamed BS.1770 meter against pyloudnorm, the limiter, and exports measured decoded."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from narrator_app.engine.acx import check_file
from narrator_app.engine.book_audio import BookChapter
from narrator_app.engine.loudness import (
    PRESETS,
    LoudnessError,
    LoudnessMeter,
    LoudnessTarget,
    PeakLimiter,
    loudness_target,
)
from narrator_app.engine.m4b import export_m4b
from narrator_app.engine.split_export import export_chapter_files

RATE = 24_000


def decode(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
        return samples.astype(np.float64), stream.rate


@pytest.mark.parametrize("block", [1, 777, 2400, 24_000, 10**7])
def test_the_streamed_meter_matches_pyloudnorm(block: int) -> None:
    rng = np.random.default_rng(7)
    parts = [
        0.01 * rng.standard_normal(RATE * 3),
        np.zeros(RATE * 2),
        0.3 * rng.standard_normal(RATE * 5),
        0.05 * np.sin(np.arange(RATE * 4) * 0.1),
    ]
    signal = np.concatenate(parts).astype(np.float32)
    if block == 1:
        signal = signal[: RATE * 2]  # one sample a block is slow; two seconds are enough
    meter = LoudnessMeter(RATE)
    for start in range(0, len(signal), block):
        meter.add(signal[start : start + block])
    expected = pyloudnorm.Meter(RATE).integrated_loudness(signal.astype(np.float64))
    result = meter.result()
    assert result.lufs == pytest.approx(expected, abs=0.01)
    assert result.peak_db == pytest.approx(20 * np.log10(np.abs(signal).max()), abs=1e-6)
    assert result.seconds == len(signal) / RATE


def test_silence_has_no_loudness() -> None:
    meter = LoudnessMeter(RATE)
    meter.add(np.zeros(RATE * 3, dtype=np.float32))
    assert meter.result().lufs == float("-inf")


def test_the_limiter_keeps_every_sample_and_true_peak_under_the_ceiling() -> None:
    rng = np.random.default_rng(3)
    quiet = 0.02 * rng.standard_normal(RATE)
    loud = 0.4 * rng.standard_normal(RATE * 2)
    loud[::997] = 0.99  # clicks
    signal = np.concatenate([quiet, loud, quiet]).astype(np.float32)
    limiter = PeakLimiter(12.0, -1.0, RATE)
    out = np.concatenate(
        [limiter.process(signal[i : i + 5_000]) for i in range(0, len(signal), 5_000)] + [limiter.flush()]
    )
    assert len(out) == len(signal)
    ceiling = 10 ** (-1 / 20)
    assert np.abs(out).max() <= ceiling
    true_peak = np.abs(resample_poly(out.astype(np.float64), 4, 1)).max()
    assert 20 * np.log10(true_peak) <= -1.0 + 0.05
    gain = 10 ** (12 / 20)
    # the quiet second before the loud part is far from any peak: only the gain touches it
    assert np.allclose(out[: RATE // 2], signal[: RATE // 2] * gain, atol=1e-6)


def test_loudness_settings_are_parsed() -> None:
    assert loudness_target("Podcast") == PRESETS["podcast"]
    assert loudness_target("off") is None
    custom = loudness_target("-18")
    assert custom is not None and (custom.measure, custom.level, custom.peak_limit) == ("lufs", -18.0, -1.0)
    with pytest.raises(LoudnessError, match="Unknown loudness"):
        loudness_target("loud")
    with pytest.raises(LoudnessError, match="between -40 and -5"):
        loudness_target("3")


@pytest.fixture
def uneven_book(tmp_path: Path) -> list[BookChapter]:
    """Two segments 30 dB apart: a quiet tone and loud noise with clicks at full scale."""
    t = np.arange(RATE * 4) / RATE
    quiet = 0.01 * np.sin(2 * np.pi * 300 * t)
    loud = np.random.default_rng(11).normal(0, 0.3, RATE * 4).clip(-1, 1)
    loud[::4_801] = 1.0
    sf.write(str(tmp_path / "quiet.wav"), quiet.astype(np.float32), RATE)
    sf.write(str(tmp_path / "loud.wav"), loud.astype(np.float32), RATE)
    return [
        BookChapter("One", (tmp_path / "quiet.wav", tmp_path / "loud.wav")),
        BookChapter("Two", (tmp_path / "quiet.wav",)),
    ]


@pytest.mark.parametrize("lufs", [-20.0, -16.0, -23.0])
def test_export_reaches_the_target_with_no_clipped_samples(
    tmp_path: Path, uneven_book: list[BookChapter], lufs: float
) -> None:
    target = LoudnessTarget(f"{lufs} LUFS", "lufs", lufs, -1.0)
    out = tmp_path / "book.m4b"
    result = export_m4b(uneven_book, out, loudness=target)
    assert result.loudness is not None
    samples, rate = decode(out)
    measured = pyloudnorm.Meter(rate).integrated_loudness(samples)
    assert measured == pytest.approx(lufs, abs=1.0)
    assert 20 * np.log10(np.abs(samples).max()) <= -1.0
    assert not np.any(np.abs(samples) >= 0.999)
    assert result.peak_db == pytest.approx(20 * np.log10(np.abs(samples).max()), abs=0.01)


def test_without_normalisation_the_levels_stay(tmp_path: Path, uneven_book: list[BookChapter]) -> None:
    out = tmp_path / "book.m4b"
    result = export_m4b(uneven_book, out)
    assert result.loudness is None and result.gain_db == 0.0
    samples, _rate = decode(out)
    assert np.abs(samples).max() > 0.9  # the clicks are still there: nothing was limited


def test_acx_preset_passes_the_acx_check(tmp_path: Path, uneven_book: list[BookChapter]) -> None:
    out = tmp_path / "book.m4b"
    export_m4b(uneven_book, out, loudness=PRESETS["acx"], pause=0.3, chapter_pause=0.5)
    report = check_file(out)
    assert -23.0 <= report.rms_db <= -18.0
    assert report.peak_db <= -3.0
    assert report.rms_ok and report.peak_ok


def test_chapter_files_share_one_gain(tmp_path: Path, uneven_book: list[BookChapter]) -> None:
    result = export_chapter_files(uneven_book, tmp_path / "split", fmt="mp3", loudness=PRESETS["podcast"])
    assert result.loudness is not None
    first, rate = decode(result.files[0].path)
    second, _ = decode(result.files[1].path)
    assert 20 * np.log10(max(np.abs(first).max(), np.abs(second).max())) <= -1.0
    # chapter two is the quiet tone alone: lifted by the book's gain, not brought to -16 on its own
    # (its levelling gain is 0: with two quiet segments and one loud, the median is its level)
    quiet_level = 20 * np.log10(np.sqrt(np.mean(second[rate : 2 * rate] ** 2)))
    expected = 20 * np.log10(0.01 / np.sqrt(2)) + result.gain_db
    assert quiet_level == pytest.approx(expected, abs=1.0)
