"""Audio files on disk: where a segment's WAV lives, and writing it atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

AUDIO_DIR = "audio"


def construct_audio_path(data_dir: Path, project_id: int, segment_id: int) -> Path:
    """`<data dir>/audio/<project id>/segment_<segment id>.wav`: names come from ids only."""
    return data_dir / AUDIO_DIR / str(int(project_id)) / f"segment_{int(segment_id)}.wav"


def relative_audio_path(data_dir: Path, audio_path: Path) -> str:
    """The path stored in the database: relative to the data dir, with forward slashes."""
    return audio_path.relative_to(data_dir).as_posix()


def write_wav_atomic(path: Path, samples: NDArray[np.float32], sample_rate: int) -> float:
    """Write a mono 16-bit WAV beside `path` and move it into place; returns its duration.

    A crash or an error leaves either the old file or the new one, never a partial file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".wav.part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            sf.write(handle, samples, sample_rate, format="WAV", subtype="PCM_16")
            handle.flush()
            os.fsync(handle.fileno())
        duration = audio_duration(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return duration


def audio_duration(path: Path) -> float:
    """Duration in seconds, read from the file itself."""
    info = sf.info(str(path))
    return float(info.frames) / float(info.samplerate)
