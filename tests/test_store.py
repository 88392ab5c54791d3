from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from narrator_app.store import Repository, open_database
from narrator_app.store.database import DatabaseError
from narrator_app.store.schema import schema_version


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "db.sqlite3"))


def test_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = open_database(tmp_path / "db.sqlite3")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 5000
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == schema_version()


def test_segments_are_appended_in_order_and_deleting_closes_the_gap(repo: Repository) -> None:
    project = repo.ensure_project()
    ids = [repo.add_segment(project.id, f"text {n}").id for n in range(4)]
    assert [s.position for s in repo.list_segments(project.id)] == [0, 1, 2, 3]
    repo.delete_segment(ids[1])
    segments = repo.list_segments(project.id)
    assert [s.id for s in segments] == [ids[0], ids[2], ids[3]]
    assert [s.position for s in segments] == [0, 1, 2]


def test_ids_of_deleted_segments_are_never_reused(repo: Repository) -> None:
    project = repo.ensure_project()
    last = repo.add_segment(project.id, "a")
    repo.delete_segment(last.id)
    assert repo.add_segment(project.id, "b").id == last.id + 1


def test_update_changes_text_and_lock_and_reports_missing(repo: Repository) -> None:
    project = repo.ensure_project()
    seg = repo.add_segment(project.id, "old")
    updated = repo.update_segment(seg.id, text="new", locked=True)
    assert updated is not None and updated.text == "new" and updated.is_locked
    assert updated.updated_at >= seg.updated_at
    assert repo.update_segment(9999, text="x") is None


def test_set_audio_touches_only_the_audio_columns(repo: Repository) -> None:
    project = repo.ensure_project()
    seg = repo.add_segment(project.id, "hello", locked=False)
    assert repo.set_audio(seg.id, "audio/1/segment_1.wav", 2.5, '{"voice": "af_heart"}')
    after = repo.get_segment(seg.id)
    assert after is not None
    assert (after.audio_file, after.audio_duration, after.audio_fingerprint) == (
        "audio/1/segment_1.wav",
        2.5,
        '{"voice": "af_heart"}',
    )
    assert (after.text, after.is_locked, after.position, after.updated_at) == (
        seg.text,
        seg.is_locked,
        seg.position,
        seg.updated_at,
    )
    assert repo.set_audio(9999, "x.wav", 1.0, None) is False


def test_settings_row_is_created_with_defaults_on_first_use(repo: Repository) -> None:
    settings = repo.get_settings()
    assert (settings.default_voice_id, settings.tts_speed, settings.language) == (None, 1.0, "en-us")
    repo.update_settings(tts_speed=1.25)
    assert repo.get_settings().tts_speed == 1.25
    assert repo.get_settings().language == "en-us"


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
        conn.execute("CREATE TABLE keep (x)")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer Narrator"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="Cannot open the database"):
        open_database(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_a_percent_sign_in_the_folder_name_is_taken_literally(tmp_path: Path) -> None:
    folder = tmp_path / "a%20b"
    open_database(folder / "db.sqlite3")
    assert (folder / "db.sqlite3").is_file()
    assert not (tmp_path / "a b").exists()


def test_a_data_folder_that_is_a_file_is_refused_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("I am a file")
    with pytest.raises(DatabaseError, match="Cannot create the data folder"):
        open_database(blocker / "db.sqlite3")


def test_set_audio_can_refuse_a_locked_segment(repo: Repository) -> None:
    project = repo.ensure_project()
    seg = repo.add_segment(project.id, "hello", locked=True)
    assert repo.set_audio(seg.id, "a.wav", 1.0, None, unless_locked=True) is False
    assert repo.get_segment(seg.id).audio_file is None
