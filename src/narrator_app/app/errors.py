"""The errors the application lets reach the window and the command line; each carries a sentence
for the user. ui/ and cli/ catch these, never an engine's or the store's own classes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from narrator_app.store.database import DatabaseError, NeedsUpgrade
from narrator_app.store.errors import describe_database_error

__all__ = ["DatabaseError", "NeedsUpgrade", "VoicesUnavailable", "as_user_error"]

# DatabaseError (and datalock.DataDirInUse, a kind of it) comes through unchanged: the store
# already words every failure for the user (which file, what happened, what to do).


class VoicesUnavailable(Exception):
    """No usable model or voices file: the message names the file and the way out (the engine's
    ModelUnavailableError and VoicesFileError, translated by app/settings_commands.py)."""


def as_user_error(error: Exception, database: Path) -> Exception:
    """A database error that escaped a command, as a sentence a user can act on (no SQL); any
    other error as it is."""
    if isinstance(error, SQLAlchemyError):
        return DatabaseError(describe_database_error(error, database))
    return error
