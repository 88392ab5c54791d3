"""The errors the application lets reach the window and the command line; each carries a sentence
for the user. ui/ and cli/ catch these, never an engine's or the store's own classes."""

from __future__ import annotations

from narrator_app.store.database import DatabaseError

__all__ = ["DatabaseError", "VoicesUnavailable"]

# DatabaseError (and datalock.DataDirInUse, a kind of it) comes through unchanged: the store
# already words every failure for the user (which file, what happened, what to do).


class VoicesUnavailable(Exception):
    """No usable model or voices file: the message names the file and the way out (the engine's
    ModelUnavailableError and VoicesFileError, translated by app/settings_commands.py)."""
