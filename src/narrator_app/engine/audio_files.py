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


def construct_take_path(data_dir: Path, project_id: int, segment_id: int, number: int) -> Path:
    """`<data dir>/audio/<project id>/segment_<id>_take<N>_<6 hex>.wav`: a new file for every render,
    never an earlier take's (the token keeps two renders that guessed the same number apart)."""
    name = f"segment_{int(segment_id)}_take{int(number)}_{secrets.token_hex(3)}.wav"
    return data_dir / AUDIO_DIR / str(int(project_id)) / name


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


def pcm16(samples: NDArray[np.float32]) -> NDArray[np.int16]:
    """Float samples (-1..1) as 16-bit PCM: scaled by 32767, rounded, clipped. Narrator converts
    itself rather than leaving it to libsndfile, whose rounding differs between versions, so that the
    samples streamed to a live preview are exactly those the WAV file holds."""
    scaled = np.rint(np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0) * 32767.0)
    return scaled.astype(np.int16)


class TempWav:
    """A mono 16-bit WAV written piece by piece to a temporary file beside `target`.

    libsndfile writes to the file itself (not through a Python file object), so a failed write (disk
    full) raises instead of being swallowed in a callback. `finish` completes the file, flushes it to
    disk, checks that every sample is in it and returns it with its duration; `discard` removes
    whatever is left unless it was finished and moved away.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.path: Path | None = None
        self._file: sf.SoundFile | None = None
        self._frames = 0

    def write(self, samples: NDArray[np.float32], sample_rate: int) -> None:
        if self._file is None:
            fd, self.path = create_temp_beside(self.target)
            os.close(fd)
            self._file = sf.SoundFile(
                str(self.path), "w", samplerate=sample_rate, channels=1, format="WAV", subtype="PCM_16"
            )
        elif sample_rate != self._file.samplerate:
            raise ValueError(f"the model changed sample rate mid-text ({sample_rate} Hz)")
        self._file.write(pcm16(samples))
        self._frames += len(samples)

    def finish(self) -> tuple[Path, float]:
        if self._file is None or self.path is None:
            raise ValueError("no audio was written")
        self._file.close()
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        info = sf.info(str(self.path))
        if info.frames != self._frames:
            raise OSError(
                f"the audio file was not written completely ({info.frames} of {self._frames} samples)"
            )
        return self.path, float(info.frames) / float(info.samplerate)

    def discard(self) -> None:
        if self._file is not None and not self._file.closed:
            try:
                self._file.close()
            except (OSError, RuntimeError, sf.LibsndfileError):
                pass
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def previous_copy_name(path: Path) -> Path:
    """Where `replacing` keeps the earlier file meanwhile: `.<name>.<12 hex>.previous`, a new name
    each time, so that two replacements of one file (a cancelled job and the one that replaces it)
    never take each other's copy. core/recovery.py looks for these after a crash."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.previous")


@contextmanager
def replacing(path: Path, new_file: Path) -> Iterator[None]:
    """Move `new_file` into place at `path` for the duration of the block. If the block raises, the
    earlier file (or no file) is put back; otherwise the earlier file is dropped."""
    previous = previous_copy_name(path)
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
