"""Telling a full disk from other write failures, and saying so with the folder.

libsndfile reports a failed write as "System error." without the errno, so when a write fails
without one the folder's free space decides: under `NEARLY_FULL` bytes left, the disk is full.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
NEARLY_FULL = 1 << 20  # bytes free below which a failed write is taken for a full disk
NO_SPACE = "No space left on the device"  # every no-space message starts so (is_no_space_message)


def free_bytes(folder: Path) -> int | None:
    """Bytes an ordinary write may still use in `folder` (or its nearest existing parent)."""
    for place in (folder, *folder.parents):
        try:
            result = os.statvfs(place)
        except OSError:
            continue
        return result.f_bavail * result.f_frsize
    return None


def is_no_space(error: BaseException, folder: Path) -> bool:
    """True if `error`, raised writing into `folder`, means there is no space left."""
    if isinstance(error, OSError) and error.errno is not None:
        return error.errno in NO_SPACE_ERRNOS
    free = free_bytes(folder)
    return free is not None and free < NEARLY_FULL


def no_space_message(folder: Path, what: str = "") -> str:
    """The message for a full disk, naming the folder (and what could not be written)."""
    subject = f" {what} could not be written." if what else ""
    return (
        f"{NO_SPACE} that holds {folder}.{subject} Free some space there (or choose another folder) "
        "and try again; everything finished before was kept."
    )


def is_no_space_message(message: str) -> bool:
    return message.startswith(NO_SPACE)


def write_probe_error(folder: Path) -> OSError | None:
    """Why a small file cannot be written in `folder` (None if it can): tells a full disk from a
    folder without write permission when a library gives no reason."""
    probe = folder / f".narrator-probe-{os.getpid()}"
    try:
        with open(probe, "wb") as handle:
            handle.write(b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        return error
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    return None


def write_failure(path: Path, error: BaseException) -> str:
    """A sentence for a failed write of `path` (an export's file): what went wrong in plain words,
    never "[Errno 17] File exists". A full disk names its folder (no_space_message)."""
    name = getattr(error, "filename", None)
    folder = Path(name).parent if isinstance(name, str) and name else path.parent
    if is_no_space(error, folder):
        return no_space_message(folder, f"The export {path.name}")
    code = getattr(error, "errno", None)
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None and code in (errno.EEXIST, errno.ENOTDIR, None):
        reason = f"{blocking} is a file, not a folder; choose a folder to write in"
    elif code == errno.ENAMETOOLONG:
        reason = "the name is too long for the disk (at most 255 bytes a name); choose a shorter one"
    elif code in (errno.EACCES, errno.EPERM):
        reason = f"there is no permission to write in {folder}; choose another folder"
    elif code == errno.EROFS:
        reason = f"{folder} is on a read-only disk; choose another folder"
    elif code == errno.EISDIR:
        reason = "it is a folder; give the name of the file to write"
    else:
        reason = str(getattr(error, "strerror", None) or error)
    return f"Cannot write {path}: {reason}."
