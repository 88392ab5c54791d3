"""Opening the SQLite database: schema checked and migrated first; WAL, foreign keys, a busy timeout.

Or opened read-only, beside the Narrator that holds the data folder (app/datalock.py): SQLite's WAL
lets readers run while it writes, each query seeing the last committed state. A read-only open
never migrates, probes or creates anything; SQLite itself refuses any write through it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from narrator_app.store.errors import describe_database_error, short_message
from narrator_app.store.schema import (
    BUSY_TIMEOUT_MS,
    DatabaseError,
    backup,
    inspect_file,
    migrate,
    needs_migration,
    probe_write,
)
from narrator_app.store.sidecars import no_new_sidecars_on_error

__all__ = ["BUSY_TIMEOUT_MS", "Database", "DatabaseError", "NeedsUpgrade", "open_database"]


class NeedsUpgrade(DatabaseError):
    """Opened read-only, the database needs a migration, which only its writer may make."""


@dataclass(frozen=True)
class Database:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    # The copy made before this open migrated the file; None when nothing was migrated.
    backup: Path | None = None

    def close(self) -> None:
        self.engine.dispose()


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _configure_reader(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only = ON")  # and mode=ro: nothing through here writes
    finally:
        cursor.close()


def open_database(path: Path, *, read_only: bool = False) -> Database:
    """Open (creating if needed) the database at `path`, migrating its schema forward.

    A file from a newer Narrator, or one that is not a readable Narrator database, is refused
    with DatabaseError and left untouched. Before an existing file is migrated, a copy is made
    beside it (`Database.backup`). `read_only`: open an existing, current database for reading
    only (`_open_reader`).
    """
    if read_only:
        return _open_reader(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(
            f"Cannot create the data folder {path.parent}: {error.strerror or error}."
        ) from error
    with no_new_sidecars_on_error(path):  # a refusal leaves no -wal/-shm it made (sidecars.py)
        state = inspect_file(path)
        migrating = needs_migration(path, state)  # refuses a newer or foreign file before anything else
        if state is not None:
            probe_write(path)
    copy: Path | None = None
    if migrating:
        if state is not None and state.tables - {"sqlite_sequence"}:
            copy = backup(path, state)
        try:
            migrate(path)
        except Exception as error:  # sqlite3 errors arrive wrapped by SQLAlchemy
            kept = f" A copy from before the attempt is in {copy}." if copy else ""
            raise DatabaseError(
                f"Cannot upgrade the database {path}: {short_message(error)}.{kept}"
            ) from error
    # URL.create, not an f-string: a '%' in the folder name must not be read as an escape.
    # hide_parameters: an SQL error's message never quotes the user's text (it may reach the log).
    engine = create_engine(URL.create("sqlite", database=str(path)), hide_parameters=True)
    event.listen(engine, "connect", _configure_connection)
    return _checked(path, engine, copy)


def _checked(path: Path, engine: Engine, copy: Path | None = None) -> Database:
    """The Database on `engine` once one connection to it works; DatabaseError (and the engine
    disposed) if none does."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as error:
        engine.dispose()
        raise DatabaseError(describe_database_error(error, path)) from error
    return Database(path, engine, sessionmaker(engine, expire_on_commit=False), copy)


def _open_reader(path: Path) -> Database:
    """The database at `path` for reading only: DatabaseError if there is none or it is not
    Narrator's, NeedsUpgrade if its schema is older than this Narrator's (nothing is migrated)."""
    with no_new_sidecars_on_error(path):
        state = inspect_file(path)
        if state is None:
            raise DatabaseError(f"There is no database at {path} yet; nothing to read.")
        if needs_migration(path, state):  # refuses a newer or foreign file too
            raise NeedsUpgrade(
                f"The database {path} is from an older Narrator and needs an upgrade, which is not "
                "made while another Narrator uses it. Close that one, then run this command again "
                "(it upgrades the database first)."
            )
    uri = f"{path.resolve().as_uri()}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine(URL.create("sqlite", database=str(path)), creator=connect, hide_parameters=True)
    event.listen(engine, "connect", _configure_reader)
    return _checked(path, engine)
