"""One Narrator process per data folder: a `QLockFile` held for as long as a Controller is open.

A second process (another window, or a command while the window is open) is refused with a message
naming the first. A lock left by a process that died (kill -9, power cut) is stale and taken over.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLockFile

from narrator_app.engine.disk_space import NO_SPACE_ERRNOS, no_space_message, write_probe_error
from narrator_app.store.database import DatabaseError

log = logging.getLogger(__name__)

LOCK_NAME = "narrator.lock"


class DataDirInUse(DatabaseError):
    """Another running Narrator holds the data folder."""


def names_no_process(lock: QLockFile) -> bool:
    """The lock file holds no process id (empty, cut short, garbage): nobody can hold it."""
    info = lock.getLockInfo()
    return not (isinstance(info, tuple) and len(info) >= 1 and isinstance(info[0], int) and info[0] > 0)


def lock_data_dir(data_dir: Path) -> QLockFile:
    """Take the data folder's lock (creating the folder), or raise DataDirInUse / DatabaseError."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if data_dir.exists() and not data_dir.is_dir():
            raise DatabaseError(
                f"The data folder {data_dir} is a file, not a folder. Choose a folder with --data-dir."
            ) from error
        raise DatabaseError(
            f"Cannot create the data folder {data_dir}: {error.strerror or error}."
        ) from error
    lock = QLockFile(str(data_dir / LOCK_NAME))
    # Stale only when the process that wrote it is gone, never merely because it is old: a window
    # may stay open for days.
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError and names_no_process(lock):
        # Damaged or empty (a crash while it was written, a full disk): it names no process
        # that could hold the folder, so it is stale.
        log.warning("The lock file %s names no process; taking it over", data_dir / LOCK_NAME)
        if lock.removeStaleLockFile() and lock.tryLock(0):
            return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        info = lock.getLockInfo()
        holder = f"process {info[0]} on {info[1]}" if isinstance(info, tuple) and len(info) >= 2 else "?"
        raise DataDirInUse(
            f"Another Narrator ({holder}) is using the data folder {data_dir}. Close it first, or "
            "give this one another folder with --data-dir."
        )
    if (cause := write_probe_error(data_dir)) is not None and cause.errno in NO_SPACE_ERRNOS:
        raise DatabaseError(no_space_message(data_dir, f"The lock file {LOCK_NAME}"))
    raise DatabaseError(
        f"Cannot write in the data folder {data_dir} (the lock file {LOCK_NAME} cannot be created). "
        "Make the folder writable, or choose another with --data-dir."
    )
