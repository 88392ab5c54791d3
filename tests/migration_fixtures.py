"""Databases as released Narrators left them, built with raw SQL so they never follow the models."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

# What the first release (0.1.0, before Alembic) created: Base.metadata.create_all + user_version 1.
FIRST_RELEASE_SCHEMA = """
CREATE TABLE projects (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(200) NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (name)
);
CREATE TABLE global_settings (
    id INTEGER NOT NULL,
    default_voice_id VARCHAR(100),
    tts_speed FLOAT NOT NULL,
    language VARCHAR(20) NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE segments (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    is_locked BOOLEAN NOT NULL,
    audio_file VARCHAR(500),
    audio_duration FLOAT,
    audio_fingerprint TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX ix_segments_project_id ON segments (project_id);
"""

FIRST_RELEASE_DATA = """
INSERT INTO projects (id, name, created_at) VALUES (1, 'Default', '2026-01-02 03:04:05.000000');
INSERT INTO projects (id, name, created_at) VALUES (3, 'Book', '2026-01-03 10:00:00.000000');
INSERT INTO global_settings (id, default_voice_id, tts_speed, language) VALUES (1, 'jf_alpha', 1.25, 'en-gb');
INSERT INTO segments VALUES (1, 1, 0, 'Hello there.', 0, 'audio/1/segment_1.wav', 1.5,
    '{"voice": "jf_alpha"}', '2026-01-02 03:04:06.000000', '2026-01-02 03:04:06.000000');
INSERT INTO segments VALUES (2, 1, 1, 'Locked words.', 1, NULL, NULL, NULL,
    '2026-01-02 03:04:07.000000', '2026-01-02 03:04:08.000000');
INSERT INTO segments VALUES (5, 3, 0, 'Chapter one.', 0, NULL, NULL, NULL,
    '2026-01-03 10:00:01.000000', '2026-01-03 10:00:01.000000');
"""


def make_first_release_database(path: Path, *, wal: bool = True, crashed: bool = False) -> None:
    """A database exactly as Narrator 0.1.0 left it: WAL, user_version 1, no alembic_version.

    `crashed`: as a killed process leaves it, with the committed writes still only in the -wal file.
    """
    build = path.with_name(path.name + ".build") if crashed else path
    conn = sqlite3.connect(build)
    try:
        if wal or crashed:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("PRAGMA user_version = 1")
        conn.executescript(FIRST_RELEASE_SCHEMA + FIRST_RELEASE_DATA)
        conn.commit()
        if crashed:  # copy the files while the connection is open, before any checkpoint
            shutil.copyfile(build, path)
            shutil.copyfile(build.with_name(build.name + "-wal"), path.with_name(path.name + "-wal"))
    finally:
        conn.close()
    if crashed:
        for leftover in (build, build.with_name(build.name + "-wal"), build.with_name(build.name + "-shm")):
            leftover.unlink(missing_ok=True)


# Written at revision 0003 (chapters, a voice per segment, book details), in raw SQL on top of the
# first release's data once it has been migrated to 0003.
REVISION_0003_DATA = """
UPDATE projects SET book_title = 'A Book', book_author = 'An Author' WHERE id = 3;
INSERT INTO chapters (id, project_id, position, title, created_at)
    VALUES (9, 3, 1, 'Two', '2026-02-01 00:00:00.000000');
INSERT INTO segments (id, project_id, chapter_id, position, text, is_locked, audio_file, audio_duration,
    audio_fingerprint, voice, created_at, updated_at)
    VALUES (8, 3, 9, 1, 'Chapter two.', 0, 'audio/3/segment_8.wav', 2.25,
    '{"language": "en-us", "model": "m:1", "speed": 1.1, "text": "abc", "voice": "af_heart"}',
    'jf_alpha:1,jm_kumo:1', '2026-02-01 00:00:01.000000', '2026-02-01 00:00:02.000000');
UPDATE sqlite_sequence SET seq = 12 WHERE name = 'segments';
"""


def make_revision_0003_database(path: Path) -> None:
    """A database as Narrator at revision 0003 left it: the first release's data migrated, then more
    written (a second chapter, a segment with audio and a voice of its own, book details; segment ids
    used up to 12)."""
    from alembic import command
    from sqlalchemy import create_engine

    from narrator_app.store.schema import alembic_config

    make_first_release_database(path, wal=False)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.stamp(config, "0001")
            command.upgrade(config, "0003")
            conn.exec_driver_sql("PRAGMA user_version = 3")
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.executescript(REVISION_0003_DATA)
        conn.commit()
    finally:
        conn.close()
