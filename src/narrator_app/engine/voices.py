"""Reading the voice names of a voices file (an .npz archive) without loading the model."""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

PREFERRED_VOICE = "af_heart"
STYLE_WIDTH = 256  # every Kokoro voice is an array of style vectors of this width


class VoicesFileError(Exception):
    """The voices file cannot be read; the message names the file and what is wrong."""


def list_voices(path: Path) -> tuple[str, ...]:
    """The voice names in the file, in file order. Cached per file version.

    Only the archive's index and each array's header are read, so this stays cheap; an archive
    whose arrays are not Kokoro style vectors is refused with a message that says so.
    """
    try:
        stat = path.stat()
    except OSError as error:
        raise VoicesFileError(f"Cannot read the voices file {path}: {error.strerror}") from error
    if stat.st_size == 0:
        raise VoicesFileError(f"The voices file {path} is empty (0 bytes): not a Kokoro voices archive.")
    return _list_voices(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _list_voices(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    try:
        with open(path, "rb") as raw:
            if raw.read(6) == b"\x93NUMPY":  # an .npy file: one array, not an archive of voices
                raise VoicesFileError(f"{path} is a single array, not a voices archive.")
        with zipfile.ZipFile(path) as archive:
            names: list[str] = []
            for member in archive.namelist():
                if not member.endswith(".npy"):
                    raise VoicesFileError(
                        f"{path} is not a Kokoro voices archive: it holds {member!r}, not voice arrays."
                    )
                with archive.open(member) as handle:
                    _check_header(path, member, handle)
                names.append(member[: -len(".npy")])
    except PermissionError as error:  # it may be a fine archive: say what stops Narrator
        raise VoicesFileError(
            f"Cannot read the voices file {path}: {error.strerror or error}. Make it readable "
            "(for example chmod a+r) or install the voices again."
        ) from error
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise VoicesFileError(f"{path} is not a Kokoro voices archive ({error}).") from error
    if not names:
        raise VoicesFileError(f"{path} contains no voices.")
    return tuple(names)


def _check_header(path: str, member: str, handle: IO[bytes]) -> None:
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_1_0(handle)
    else:
        shape, _fortran, dtype = np.lib.format.read_array_header_2_0(handle)
    if dtype.kind != "f" or len(shape) not in (2, 3) or shape[-1] != STYLE_WIDTH:
        raise VoicesFileError(
            f"{path} is not a Kokoro voices archive: {member[:-4]!r} is a {dtype} array of shape "
            f"{tuple(shape)}, not style vectors of width {STYLE_WIDTH}."
        )


def load_style(path: Path, name: str) -> NDArray[np.float32]:
    """One voice's style array, as float32."""
    with np.load(path, allow_pickle=False) as archive:
        return np.asarray(archive[name], dtype=np.float32)


def default_voice(voices: tuple[str, ...]) -> str:
    """af_heart when the file has it, else its first voice."""
    return PREFERRED_VOICE if PREFERRED_VOICE in voices else voices[0]
