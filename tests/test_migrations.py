"""Schema versions: new databases, databases of the first release, newer ones, backups."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from migration_fixtures import make_first_release_database
from narrator_app.store import Repository, open_database
from narrator_app.store.database import DatabaseError
from narrator_app.store.models import Base
from narrator_app.store.schema import BASELINE_REVISION, alembic_config, head_revision, schema_version


def _revision(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])


def _user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_a_new_database_is_created_by_the_migrations_at_the_head_revision(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    db = open_database(path)
    assert db.backup is None
    assert _revision(path) == head_revision()
    assert _user_version(path) == schema_version() >= 1
    # The migrations build exactly what the models describe: a model change without a revision fails here.
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.close()
    assert list(tmp_path.glob("*backup*")) == []


def test_the_revisions_form_one_numbered_chain() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert chain[0] == BASELINE_REVISION
    assert chain == [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert schema_version(BASELINE_REVISION) == 1 and schema_version() == len(chain)


def test_a_first_release_database_is_backed_up_stamped_and_migrated_keeping_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path, crashed=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0  # the data is still in the WAL
    db = open_database(path)
    assert _revision(path) == head_revision()
    assert _user_version(path) == schema_version()
    repo = Repository(db)
    assert [(p.id, p.name, n) for p, n in repo.list_projects()] == [(3, "Book", 1), (1, "Default", 2)]
    first, locked = repo.list_segments(1)
    assert (first.text, first.audio_file, first.audio_duration, first.audio_fingerprint) == (
        "Hello there.",
        "audio/1/segment_1.wav",
        1.5,
        '{"voice": "jf_alpha"}',
    )
    assert first.created_at == datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC)
    assert locked.is_locked and locked.text == "Locked words."
    settings = repo.get_settings()
    assert (settings.default_voice_id, settings.tts_speed, settings.language) == ("jf_alpha", 1.25, "en-gb")
    # 0002: no segment has a voice of its own (they use the global one); the provider is the CPU.
    assert [s.voice for s in repo.list_segments(1)] == [None, None]
    assert settings.execution_provider == "cpu"
    # Ids keep counting from where the first release left them.
    assert repo.add_segment(3, "new").id == 6
    db.close()

    # The copy is the untouched first-release database, WAL contents included.
    assert db.backup is not None and db.backup.parent == tmp_path
    assert "schema1-backup" in db.backup.name
    with closing(sqlite3.connect(db.backup)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "alembic_version" not in tables
        assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] == 3

    # Opening again finds nothing to do: no second backup.
    again = open_database(path)
    assert again.backup is None
    again.close()
    assert len(list(tmp_path.glob("*backup*"))) == 1


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer Narrator.*ffff_from_the_future.*left untouched"):
        open_database(path)
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*backup*")) == []


def test_a_newer_user_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path, wal=False)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer Narrator"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_sqlite_file_of_another_program_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Narrator database.*photos"):
        open_database(path)
    assert path.read_bytes() == before


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    path.touch()
    db = open_database(path)
    assert db.backup is None and _revision(path) == head_revision()
    db.close()


def test_a_failed_backup_refuses_to_migrate_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path, wal=False)
    before = path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("narrator_app.store.schema.os.replace", disk_full)
    with pytest.raises(DatabaseError, match="Cannot back up.*No space left"):
        open_database(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["narrator.sqlite3"]


def test_every_package_folder_ships_in_a_non_editable_install() -> None:
    """`pip install .` installs only the packages pyproject lists: the migrations must be among them."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    src = root / "src"
    found = {
        ".".join(init.parent.relative_to(src).parts)
        for init in src.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_0002_segment_voice_and_provider_migrate_up_and_down(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path)
    db = open_database(path)
    repo = Repository(db)
    first = repo.list_segments(1)[0]
    assert repo.set_segment_voice(first.id, "jf_alpha:2,jm_kumo:1") is not None
    assert repo.update_settings(execution_provider="cuda").execution_provider == "cuda"
    db.close()
    reopened = Repository(open_database(path))
    assert reopened.get_segment(first.id).voice == "jf_alpha:2,jm_kumo:1"  # type: ignore[union-attr]
    assert reopened.get_settings().execution_provider == "cuda"

    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(segments)")}
        assert "voice" not in columns
        assert conn.execute("SELECT text FROM segments WHERE id = ?", (first.id,)).fetchone()[0] == first.text


def _check_takes_and_direction_migrated(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'segments'").fetchone()[0]
        assert "AUTOINCREMENT" in sql
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {row[3]: (row[2], row[6]) for row in conn.execute("PRAGMA foreign_key_list(segments)")}
        assert fks["current_take_id"] == ("takes", "SET NULL")
        assert fks["chapter_id"] == ("chapters", "CASCADE")
        take_fks = {row[3]: (row[2], row[6]) for row in conn.execute("PRAGMA foreign_key_list(takes)")}
        assert take_fks == {"segment_id": ("segments", "CASCADE")}


def test_a_first_release_database_migrates_to_lexicon_direction_and_takes(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path)
    repo = Repository(open_database(path))
    first, locked = repo.list_segments(1)
    # 0005: no direction of their own; 0006: the audio became take 1, current, the same file.
    assert [(s.speed, s.pause_after) for s in (first, locked)] == [(None, None), (None, None)]
    (take,) = repo.takes.of(first.id)
    assert (take.number, take.current, take.audio_file, take.duration, take.fingerprint) == (
        1,
        True,
        "audio/1/segment_1.wav",
        1.5,
        '{"voice": "jf_alpha"}',
    )
    assert (take.voice, take.speed, take.trim_start, take.trim_end) == ("jf_alpha", None, 0.0, 0.0)
    assert (first.audio_file, first.audio_duration) == ("audio/1/segment_1.wav", 1.5)
    assert repo.takes.of(locked.id) == [] and repo.takes.counts(1) == {first.id: 1}
    assert repo.lexicon.of(1) == ([], [])
    _check_takes_and_direction_migrated(path)
    # The next take of a migrated segment is number 2; ids keep counting where the release left them.
    added = repo.takes.add(first.id, "audio/1/segment_1_take2.wav", 1.75, None, "af_heart", 1.0)
    assert added is not None and added[0].number == 2
    assert repo.add_segment(3, "new").id == 6


def test_a_revision_0003_database_migrates_keeping_everything(tmp_path: Path) -> None:
    from migration_fixtures import make_revision_0003_database

    path = tmp_path / "narrator.sqlite3"
    make_revision_0003_database(path)
    assert _revision(path) == "0003"
    db = open_database(path)
    assert db.backup is not None and _revision(path) == head_revision()
    repo = Repository(db)
    assert [(c.title, c.segment_count) for c in repo.chapters.of(3)] == [("Book", 1), ("Two", 1)]
    assert repo.chapters.book_details(3).title == "A Book"
    one, two = repo.list_segments(3)
    assert (one.text, two.text, two.chapter_id, two.voice) == (
        "Chapter one.",
        "Chapter two.",
        9,
        "jf_alpha:1,jm_kumo:1",
    )
    assert (two.audio_file, two.audio_duration) == ("audio/3/segment_8.wav", 2.25)
    (take,) = repo.takes.of(two.id)
    assert (take.number, take.current, take.audio_file, take.duration) == (1, True, two.audio_file, 2.25)
    assert take.fingerprint == two.audio_fingerprint
    assert (take.voice, take.speed) == ("af_heart", 1.1)  # read from the fingerprint: what rendered it
    assert repo.takes.of(one.id) == []
    _check_takes_and_direction_migrated(path)
    assert repo.add_segment(3, "after").id == 13  # the sequence survived the table being made again
    db.close()
