"""The schema version: read before anything is written, migrated forward with Alembic, backed up first.

Every database carries an Alembic revision (table `alembic_version`) and, for older Narrators that
know nothing of Alembic, `PRAGMA user_version` = the revision's number in the chain (0001 → 1, ...).
Databases from before Alembic have user_version 1 and no `alembic_version`: they hold the baseline
schema and are stamped with revision 0001, then migrated like any other.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0001"
BASELINE_TABLES = frozenset({"projects", "segments", "global_settings"})
BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)
# Alembic tells every start-up at INFO ("setup plugin ...", "Will assume non-transactional DDL"):
# most of the log was that. Its warnings and errors still reach the log.
logging.getLogger("alembic").setLevel(logging.WARNING)


class DatabaseError(Exception):
    """The database cannot be opened; the message says why, in words."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - the package always ships the baseline
        raise DatabaseError(f"No schema revisions found in {MIGRATIONS}")
    return head


def known_revision(revision: str) -> bool:
    return revision in {script.revision for script in _scripts().walk_revisions()}


def schema_version(revision: str | None = None) -> int:
    """A revision's number in the chain: 1 for the baseline; `head_revision()`'s by default."""
    return sum(1 for _ in _scripts().iterate_revisions(revision or head_revision(), "base"))


@dataclass(frozen=True)
class FileState:
    """What an existing database file holds, read without writing a byte."""

    tables: frozenset[str]
    revision: str | None  # from alembic_version; None when the table is absent
    user_version: int


def inspect_file(path: Path) -> FileState | None:
    """None when there is no file yet. DatabaseError when it is not a readable SQLite database."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = frozenset(
                name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            )
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("damaged: " + "; ".join(str(p) for p in problems[:3]))
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = None if row is None else str(row[0])
    except sqlite3.Error as error:
        raise DatabaseError(
            f"Cannot open the database {path}: {error}. The file was left untouched; "
            "move it aside to start with an empty database."
        ) from error
    return FileState(tables=tables, revision=revision, user_version=user_version)


def probe_write(path: Path) -> None:
    """Refuse now, clearly, a file that cannot be written (read-only, or locked by another program)
    rather than at the user's first edit. Writes nothing: the probe's transaction is rolled back."""
    try:
        with closing(sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"PRAGMA user_version = {version}")
            finally:
                conn.execute("ROLLBACK")
    except sqlite3.Error as error:
        text = str(error)
        if "readonly" in text:
            problem = (
                "it is read-only. Make the file and its folder writable (for example chmod u+w), "
                "or copy the data folder somewhere writable and start Narrator with --data-dir"
            )
        elif "locked" in text or "busy" in text:
            problem = "another program is writing to it. Close that program and start Narrator again"
        else:
            problem = f"{error}"
        raise DatabaseError(
            f"Cannot write to the database {path}: {problem}. Nothing was changed."
        ) from error


def _newer(path: Path, found: str) -> DatabaseError:
    return DatabaseError(
        f"{path} was written by a newer Narrator (schema {found}; this version knows up to schema "
        f"{schema_version()}, revision {head_revision()}). Update Narrator to open it; the file was "
        "left untouched."
    )


def needs_migration(path: Path, state: FileState | None) -> bool:
    """Whether `state` must be migrated to the head revision; DatabaseError when it cannot be."""
    if state is None:
        return True
    if state.user_version > schema_version():
        raise _newer(path, str(state.user_version))
    if state.revision is not None:
        if not known_revision(state.revision):
            raise _newer(path, f"revision {state.revision}")
        return state.revision != head_revision()
    user_tables = state.tables - {"sqlite_sequence"}
    if not user_tables and state.user_version == 0:
        return True  # an empty file: a new database
    if state.user_version == 1 and BASELINE_TABLES <= user_tables:
        return True  # made before Alembic: the baseline schema, to be stamped
    raise DatabaseError(
        f"{path} is not a Narrator database (tables: {', '.join(sorted(user_tables)) or 'none'}, "
        f"user_version {state.user_version}). The file was left untouched; choose another data folder."
    )


def backup(path: Path, state: FileState) -> Path:
    """A consistent copy (WAL included) beside `path`, made with SQLite's backup API."""
    version = schema_version(state.revision) if state.revision else state.user_version
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.schema{version}-backup-{stamp}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.schema{version}-backup-{stamp}-{n}{path.suffix}")
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            f"Cannot back up the database {path} to {target} before upgrading it: {error}. "
            "Nothing was changed; free some space or make the folder writable."
        ) from error
    log.info("Backed up %s to %s before migrating it", path, target)
    return target


def _configure_migration_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the "begin" hook below issues BEGIN itself
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Batch migrations copy tables; foreign keys would cascade deletes while they do.
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _begin_immediate(conn: Connection) -> None:
    # The write lock from the start: a second process opening the same file waits here, then
    # finds the work done. DDL inside the transaction makes the migration all or nothing.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _migration_engine(path: Path) -> Engine:
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool, hide_parameters=True)
    event.listen(engine, "connect", _configure_migration_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def migrate(path: Path) -> None:
    """Bring the file at `path` (new, pre-Alembic or older) to the head revision, in one transaction."""
    engine = _migration_engine(path)
    try:
        with engine.begin() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            config = alembic_config()
            config.attributes["connection"] = conn
            tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").scalars())
            if current is None and BASELINE_TABLES <= tables:
                command.stamp(config, BASELINE_REVISION)
            command.upgrade(config, "head")
            conn.exec_driver_sql(f"PRAGMA user_version = {schema_version()}")
    finally:
        engine.dispose()
