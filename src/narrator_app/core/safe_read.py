"""Reading a file the user named without trusting it: a regular file only, and never more than a limit.

`stat` is not enough: a FIFO blocks the reader for ever (while the data folder is locked), and a
symlink to /dev/zero or /dev/urandom reports size 0 and then never ends. The file is opened without
blocking, checked to be a regular file on the open descriptor (no race with a swap), and read to at
most `limit` bytes, counting as it reads.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

CHUNK = 1 << 20


class FileRefused(ValueError):
    """The file is not a regular file, or is larger than allowed; the message says which."""


def read_regular_file(path: Path, limit: int, what: str = "text files") -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes (`what`: the kind of file, for
    the message). Raises FileRefused, or OSError when it cannot be opened or read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(f"{path.name} is {_kind(mode)}, not a regular file; nothing was imported.")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileRefused(
                    f"{path.name} is larger than {limit / 1_048_576:.0f} MB; Narrator imports {what} "
                    f"up to {limit / 1_048_576:.0f} MB. Nothing was imported."
                )
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"
