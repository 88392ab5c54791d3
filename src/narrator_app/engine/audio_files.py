"""Audio files on disk: where a segment's WAV lives, and writing it atomically."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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


def create_temp_beside(target: Path) -> tuple[int, Path]:
    """A new, empty hidden file next to `target` (same folder, so a rename is atomic), opened for
    writing. Unlike mkstemp's 0600 it gets the usual permissions (0666 less the umask)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def write_wav_temp(path: Path, samples: NDArray[np.float32], sample_rate: int) -> tuple[Path, float]:
    """Write a mono 16-bit WAV to a temporary file beside `path`; returns it and its duration.

    On any error the temporary file is removed and nothing at `path` has changed.
    """
    fd, tmp = create_temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            sf.write(handle, samples, sample_rate, format="WAV", subtype="PCM_16")
            handle.flush()
            os.fsync(handle.fileno())
        return tmp, audio_duration(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def replacing(path: Path, new_file: Path) -> Iterator[None]:
    """Move `new_file` into place at `path` for the duration of the block. If the block raises, the
    earlier file (or no file) is put back; otherwise the earlier file is dropped."""
    previous = path.with_name(f".{path.name}.previous")
    had_previous = path.exists()
    if had_previous:
        os.replace(path, previous)
    try:
        os.replace(new_file, path)
        yield
    except BaseException:
        new_file.unlink(missing_ok=True)
        if had_previous:
            os.replace(previous, path)
        else:
            path.unlink(missing_ok=True)
        raise
    if had_previous:
        previous.unlink(missing_ok=True)


def audio_duration(path: Path) -> float:
    """Duration in seconds, read from the file itself."""
    info = sf.info(str(path))
    return float(info.frames) / float(info.samplerate)
