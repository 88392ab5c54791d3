"""Opening the SQLite database: WAL journal, foreign keys, a busy timeout."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from narrator_app.store.models import SCHEMA_VERSION, Base

BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """The database cannot be opened; the message says why, in words."""


@dataclass(frozen=True)
class Database:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]

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


def _check_existing(path: Path) -> None:
    """Read an existing file's schema version without changing a byte of it."""
    if not path.exists():
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise DatabaseError(
            f"Cannot open the database {path}: {error}. The file was left untouched; "
            "move it aside to start with an empty database."
        ) from error
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer Narrator (schema {version}, this version "
            f"knows {SCHEMA_VERSION}). Update Narrator to open it; the file was left untouched."
        )


def open_database(path: Path) -> Database:
    """Open (creating if needed) the database at `path` and its schema."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(
            f"Cannot create the data folder {path.parent}: {error.strerror or error}."
        ) from error
    _check_existing(path)
    # URL.create, not an f-string: a '%' in the folder name must not be read as an escape.
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _configure_connection)
    try:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except Exception as error:  # sqlite3 errors arrive wrapped by SQLAlchemy
        engine.dispose()
        raise DatabaseError(f"Cannot open the database {path}: {error}") from error
    return Database(path, engine, sessionmaker(engine, expire_on_commit=False))
