"""The ACX check: RMS, peak and noise floor of samples and of files, pass/fail per criterion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator_app.engine.acx import AcxCheckError, check_blocks, check_file, check_samples

RATE = 24_000


def at_rms(samples: np.ndarray, db: float) -> np.ndarray:
    return samples * (10 ** (db / 20) / np.sqrt(np.mean(samples**2)))


def narration(floor_db: float, speech_db: float = -17.0) -> np.ndarray:
    """Two seconds of noise at `speech_db` RMS between one second of room tone at `floor_db`."""
    rng = np.random.default_rng(2)
    tone = at_rms(rng.standard_normal(RATE), floor_db)
    loud = at_rms(np.sin(2 * np.pi * 200 * np.arange(RATE * 2) / RATE), speech_db)
    return np.concatenate([tone, loud, tone])


def test_a_file_within_the_limits_passes() -> None:
    samples = narration(-70.0)
    report = check_samples(samples, RATE)
    expected_rms = 10 * np.log10(np.mean(samples**2))
    assert report.rms_db == pytest.approx(expected_rms, abs=1e-6)
    assert -23 <= report.rms_db <= -18
    assert report.peak_db == pytest.approx(20 * np.log10(np.abs(samples).max()), abs=1e-6)
    assert report.noise_floor_db == pytest.approx(-70.0, abs=0.5)  # the room tone's RMS
    assert report.passed and not report.digital_silence
    assert report.seconds == pytest.approx(4.0)


def test_each_criterion_fails_on_its_own() -> None:
    noisy = check_samples(narration(-50.0), RATE)
    assert (noisy.rms_ok, noisy.peak_ok, noisy.noise_floor_ok) == (True, True, False)
    assert noisy.noise_floor_db == pytest.approx(-50.0, abs=0.5) and not noisy.passed
    loud = check_samples(narration(-70.0, speech_db=-4.0), RATE)
    assert (loud.rms_ok, loud.peak_ok, loud.noise_floor_ok) == (False, False, True)
    quiet = check_samples(narration(-70.0, speech_db=-30.0), RATE)
    assert (quiet.rms_ok, quiet.peak_ok) == (False, True)


def test_digital_silence_is_flagged_and_json_ready() -> None:
    samples = narration(-70.0)
    samples[:RATE] = 0.0
    report = check_samples(samples, RATE)
    assert report.digital_silence and report.noise_floor_db == float("-inf")
    data = json.loads(json.dumps(report.as_dict()))
    assert data["noise_floor_db"] is None and data["passed"] is True


def test_blocks_give_the_same_figures_as_the_whole() -> None:
    samples = narration(-65.0)
    whole = check_samples(samples, RATE)
    blocks = check_blocks((samples[i : i + 1234] for i in range(0, len(samples), 1234)), RATE)
    assert blocks.rms_db == pytest.approx(whole.rms_db, abs=1e-9)
    assert (blocks.peak_db, blocks.noise_floor_db) == pytest.approx(
        (whole.peak_db, whole.noise_floor_db), abs=1e-9
    )


def test_a_file_is_checked_decoded(tmp_path: Path) -> None:
    samples = narration(-70.0)
    sf.write(str(tmp_path / "n.wav"), samples.astype(np.float32), RATE, subtype="FLOAT")
    from_file = check_file(tmp_path / "n.wav")
    expected = check_samples(samples.astype(np.float32), RATE)
    assert (from_file.rms_db, from_file.peak_db, from_file.noise_floor_db) == pytest.approx(
        (expected.rms_db, expected.peak_db, expected.noise_floor_db), abs=1e-6
    )
    assert from_file.passed
    (tmp_path / "bad.m4b").write_bytes(b"not audio")
    with pytest.raises(AcxCheckError, match="Cannot read"):
        check_file(tmp_path / "bad.m4b")
    with pytest.raises(AcxCheckError, match="no audio to check"):
        check_samples(np.zeros(0), RATE)
