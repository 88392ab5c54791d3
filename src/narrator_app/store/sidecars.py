"""The database's -wal and -shm files: a refused open leaves none it created behind.

SQLite creates them even for a read-only look at a WAL database, with the database file's own
permissions; left behind after a refusal, a read-only -wal keeps the database refused after the
user made the database writable as told. Those that did not exist before are removed again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIXES = ("-wal", "-shm", "-journal")


def sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SUFFIXES]


@contextmanager
def no_new_sidecars_on_error(path: Path) -> Iterator[None]:
    """If the block raises, remove the -wal/-shm/-journal files it created (none it found); a -wal
    that holds data is kept, whoever made it."""
    before = {p for p in sidecars(path) if p.exists()}
    try:
        yield
    except BaseException:
        for created in (p for p in sidecars(path) if p not in before and p.exists()):
            try:
                if created.name.endswith("-wal") and created.stat().st_size > 0:
                    continue  # holds transactions: never drop them
                created.unlink()
                log.info("Removed %s, created while the database was refused", created)
            except OSError as error:
                log.warning("Could not remove %s: %s", created, error)
        raise
