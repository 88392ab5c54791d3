"""Reading the voice names of a voices file (an .npz archive) without loading the model."""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

import numpy as np

PREFERRED_VOICE = "af_heart"


class VoicesFileError(Exception):
    """The voices file cannot be read; the message names the file and what is wrong."""


def list_voices(path: Path) -> tuple[str, ...]:
    """The voice names in the file, in file order. Cached per file version."""
    try:
        stat = path.stat()
    except OSError as error:
        raise VoicesFileError(f"Cannot read the voices file {path}: {error.strerror}") from error
    return _list_voices(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _list_voices(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    try:
        # allow_pickle=False: a voices archive holds plain arrays; never unpickle a file we were given.
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise VoicesFileError(f"{path} is a single array, not a voices archive.")
        with loaded as archive:
            names = tuple(archive.files)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise VoicesFileError(f"{path} is not a Kokoro voices archive ({error}).") from error
    if not names:
        raise VoicesFileError(f"{path} contains no voices.")
    return names


def default_voice(voices: tuple[str, ...]) -> str:
    """af_heart when the file has it, else its first voice."""
    return PREFERRED_VOICE if PREFERRED_VOICE in voices else voices[0]
