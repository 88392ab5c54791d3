"""Database errors said in sentences a user can act on, never as SQL.

SQLAlchemy's messages quote the statement (`[SQL: SELECT …]`) and a link for developers; the user
needs to know what is wrong with the file and what to do. The original error goes to the log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def short_message(error: BaseException) -> str:
    """The driver's own one-line message ("no such column: segments.voice"), without SQL."""
    orig = getattr(error, "orig", None)
    source = orig if isinstance(orig, sqlite3.Error) else error
    return str(source).splitlines()[0] if str(source) else type(source).__name__


def describe_database_error(error: BaseException, path: Path) -> str:
    """What went wrong with the database at `path`, and the way out."""
    detail = short_message(error)
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"The database {path} is locked by another program (a database browser, a backup or sync "
            "tool). Close that program and try again; nothing was changed."
        )
    if "no such column" in lowered or "no such table" in lowered or "has no column" in lowered:
        return (
            f"The database {path} does not have the tables this Narrator expects ({detail}): it was "
            "changed by another program or tool. Restore a backup of it (Narrator keeps one beside it "
            "before each upgrade, *-backup-*.sqlite3), or move it aside to start with an empty one."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"The database {path} is read-only. Make it and its folder writable (for example chmod u+w) "
            "and try again."
        )
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"No space left on the device that holds {path.parent}. Free some space and try again."
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (
            f"The database {path} is damaged ({detail}). Restore a backup of it, or move it aside to "
            "start with an empty one."
        )
    return f"The database {path} cannot be used ({detail}). Nothing was changed."
