"""With a loudness target, segments rendered at different levels (two voices) come out at one level,
in an M4B, in a file per chapter and in one WAV; without a target they stay as rendered."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from narrator_app.core.audiobook import BookItem, BookOptions, export_project
from narrator_app.engine.book_audio import BookChapter, plan_book
from narrator_app.engine.export import ExportItem
from narrator_app.engine.levelling import MAX_SEGMENT_GAIN_DB, even_gains, level_book
from narrator_app.engine.loudness import PRESETS
from narrator_app.engine.m4b import export_m4b
from narrator_app.engine.split_export import export_chapter_files

RATE = 24_000
SECONDS = 3.0


def _voice(path: Path, rms: float, seed: int) -> Path:
    """Speech-like noise: bursts of 0.2 s with short gaps, at the given RMS while it sounds."""
    rng = np.random.default_rng(seed)
    samples = rng.normal(0.0, rms, int(SECONDS * RATE))
    envelope = (np.arange(len(samples)) // (RATE // 5)) % 4 != 3  # 0.2 s on x3, 0.2 s off
    sf.write(str(path), (samples * envelope).clip(-1, 1).astype(np.float32), RATE)
    return path


@pytest.fixture
def two_voices(tmp_path: Path) -> tuple[Path, Path]:
    """A loud voice and one 9 dB quieter, as two Kokoro voices can differ."""
    return _voice(tmp_path / "loud.wav", 0.12, 1), _voice(tmp_path / "quiet.wav", 0.12 * 10 ** (-9 / 20), 2)


def _decode(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
        return samples.astype(np.float64), stream.rate


def _lufs(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples[int(start * rate) : int(end * rate)]))


def test_the_gains_go_to_the_median_within_their_limit() -> None:
    assert even_gains([-20.0, -29.0, -24.0]) == [-4.0, 5.0, 0.0]
    assert even_gains([-20.0, -60.0, -20.0]) == [0.0, MAX_SEGMENT_GAIN_DB, 0.0]  # near-silence: capped
    assert even_gains([float("-inf"), -20.0]) == [0.0, 0.0]  # too quiet to measure: left as it is
    assert even_gains([]) == []


def test_the_book_measured_from_its_segments_matches_the_levelled_audio(
    two_voices: tuple[Path, Path],
) -> None:
    loud, quiet = two_voices
    layout = plan_book([BookChapter("One", (loud, quiet, loud))], pause=0.5, chapter_pause=2.0)
    book = level_book(layout)
    assert book.segment_gains_db[0] == pytest.approx(0.0)  # the median is the loud voice
    assert book.segment_gains_db[1] == pytest.approx(9.0, abs=0.3)
    from narrator_app.engine.book_audio import iter_blocks

    heard = np.concatenate(list(iter_blocks(book.layout)))
    # The 400 ms blocks that straddle a segment and a pause are left out: within 0.3 LU here.
    assert book.measurement.lufs == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(heard), abs=0.3)
    assert book.measurement.rms_db == pytest.approx(
        10 * np.log10(np.mean(heard.astype(np.float64) ** 2)), abs=0.05
    )


def test_two_voices_come_out_at_one_level_in_an_m4b(tmp_path: Path, two_voices: tuple[Path, Path]) -> None:
    loud, quiet = two_voices
    chapters = [BookChapter("One", (loud,)), BookChapter("Two", (quiet,))]
    result = export_m4b(chapters, tmp_path / "book.m4b", loudness=PRESETS["podcast"], chapter_pause=1.0)
    samples, rate = _decode(result.path)
    first, second = result.chapters
    a = _lufs(samples, rate, first.start + 0.1, first.start + SECONDS - 0.1)
    b = _lufs(samples, rate, second.start + 0.1, second.start + SECONDS - 0.1)
    assert a == pytest.approx(b, abs=1.0)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-16.0, abs=1.0)


def test_without_a_target_the_voices_stay_as_rendered(tmp_path: Path, two_voices: tuple[Path, Path]) -> None:
    loud, quiet = two_voices
    chapters = [BookChapter("One", (loud,)), BookChapter("Two", (quiet,))]
    result = export_m4b(chapters, tmp_path / "book.m4b", chapter_pause=1.0)
    samples, rate = _decode(result.path)
    first, second = result.chapters
    a = _lufs(samples, rate, first.start + 0.1, first.start + SECONDS - 0.1)
    b = _lufs(samples, rate, second.start + 0.1, second.start + SECONDS - 0.1)
    assert a - b == pytest.approx(9.0, abs=1.0)


def test_files_per_chapter_are_evened_out_together(tmp_path: Path, two_voices: tuple[Path, Path]) -> None:
    loud, quiet = two_voices
    chapters = [BookChapter("One", (loud,)), BookChapter("Two", (quiet,))]
    result = export_chapter_files(chapters, tmp_path / "split", fmt="mp3", loudness=PRESETS["podcast"])
    levels = []
    for chapter_file in result.files:
        samples, rate = _decode(chapter_file.path)
        levels.append(_lufs(samples, rate, 0.1, SECONDS - 0.1))
    assert levels[0] == pytest.approx(levels[1], abs=1.0)
    assert levels[0] == pytest.approx(-16.0, abs=1.0)


def test_one_wav_of_the_book_has_the_voices_at_one_level(
    tmp_path: Path, two_voices: tuple[Path, Path]
) -> None:
    loud, quiet = two_voices
    items = [
        BookItem(ExportItem(1, "Loud.", loud), 1, "One"),
        BookItem(ExportItem(2, "Quiet.", quiet), 1, "One"),
    ]
    out = tmp_path / "book.wav"
    export_project(items, BookOptions(out, fmt="wav", pause=0.5, loudness="broadcast"))
    samples, rate = sf.read(str(out))
    a = _lufs(samples, rate, 0.1, SECONDS - 0.1)
    b = _lufs(samples, rate, SECONDS + 0.5 + 0.1, 2 * SECONDS + 0.5 - 0.1)
    assert a == pytest.approx(b, abs=1.0)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-23.0, abs=1.0)
