"""The lexicon in the store (revision 0004): scopes, word keys, one entry per key, atomic imports."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from narrator_app.core.lexicon import new_entry
from narrator_app.store import LexiconStoreError, Repository, open_database


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "narrator.sqlite3"))


def _words(records: list) -> list[tuple[str, str | None, str | None, bool]]:  # type: ignore[type-arg]
    return [(r.word, r.say, r.ipa, r.case_sensitive) for r in records]


def test_global_and_project_entries_are_kept_apart(repo: Repository) -> None:
    book = repo.create_project("Book")
    other = repo.create_project("Other")
    glob, replaced = repo.lexicon.add_or_replace("Hermione", say="Her-MY-oh-nee")
    assert replaced is None and glob.project_id is None and glob.scope == "global"
    mine, _ = repo.lexicon.add_or_replace("Hermione", ipa="hɜːmˈaɪəni", project_id=book.id)
    assert mine.scope == "project" and mine.project_id == book.id and mine.id != glob.id
    assert repo.lexicon.of(book.id) == ([glob], [mine])
    assert repo.lexicon.of(other.id) == ([glob], [])
    assert repo.lexicon.of(None) == ([glob], [])


def test_the_same_word_replaces_its_entry_ignoring_case_unless_case_sensitive(repo: Repository) -> None:
    first, _ = repo.lexicon.add_or_replace("Nice", say="niece")
    second, replaced = repo.lexicon.add_or_replace("NICE", say="nyce")
    assert replaced == first
    assert second.id == first.id and second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    city, replaced = repo.lexicon.add_or_replace("Nice", say="neece", case_sensitive=True)
    assert replaced is None and city.id != first.id  # a case-sensitive entry is another entry
    globals_, _ = repo.lexicon.of(None)
    assert _words(globals_) == [("Nice", "neece", None, True), ("NICE", "nyce", None, False)]
    assert repo.lexicon.find("nice", None) == second
    assert repo.lexicon.find("nice", None, case_sensitive=True) is None
    assert repo.lexicon.find("Nice", None, case_sensitive=True) == city


def test_sqlite_itself_refuses_a_second_global_entry_for_a_word(repo: Repository, tmp_path: Path) -> None:
    """The partial unique index: NULL project ids are not distinct for the lexicon."""
    repo.lexicon.add_or_replace("tomato", say="tomahto")
    project = repo.create_project("Book")
    insert = (
        "INSERT INTO lexicon_entries (project_id, word, word_key, say, case_sensitive, created_at,"
        " updated_at)"
        " VALUES (?, 'Tomato', 'tomato', 'tomayto', 0, '2026-01-01', '2026-01-01')"
    )
    with closing(sqlite3.connect(tmp_path / "narrator.sqlite3")) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(insert, (None,))
        conn.execute(insert, (project.id,))  # the project's own entry is allowed
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(insert, (project.id,))
        conn.commit()
    assert _words(repo.lexicon.of(project.id)[1]) == [("Tomato", "tomayto", None, False)]


def test_remove_takes_the_entries_of_that_scope_only(repo: Repository) -> None:
    book = repo.create_project("Book")
    repo.lexicon.add_or_replace("Nice", say="niece")
    repo.lexicon.add_or_replace("Nice", say="neece", case_sensitive=True)
    kept, _ = repo.lexicon.add_or_replace("nice", say="nyce", project_id=book.id)
    assert repo.lexicon.remove("Gone", None) == []
    assert _words(repo.lexicon.remove("Nice", None, case_sensitive=True)) == [("Nice", "neece", None, True)]
    assert _words(repo.lexicon.remove("NICE", None)) == [("Nice", "niece", None, False)]
    assert repo.lexicon.of(book.id) == ([], [kept])


def test_bad_entries_are_refused_and_change_nothing(repo: Repository) -> None:
    with pytest.raises(LexiconStoreError, match="empty"):
        repo.lexicon.add_or_replace("  ", say="x")
    with pytest.raises(LexiconStoreError, match="exactly one"):
        repo.lexicon.add_or_replace("word", say="x", ipa="wɜːd")
    with pytest.raises(LexiconStoreError, match="exactly one"):
        repo.lexicon.add_or_replace("word")
    with pytest.raises(LexiconStoreError, match="empty"):
        repo.lexicon.add_or_replace("word", say=" ")
    assert repo.lexicon.of(None) == ([], [])


def test_replace_all_makes_the_scope_exactly_the_import(repo: Repository) -> None:
    book = repo.create_project("Book")
    old, _ = repo.lexicon.add_or_replace("Elm", say="elm", project_id=book.id)
    repo.lexicon.add_or_replace("Gone", say="gone", project_id=book.id)
    glob, _ = repo.lexicon.add_or_replace("Global", say="glow-bal")
    imported = [
        new_entry("elm", say="ellum", scope="project"),  # core's entries are accepted as they are
        new_entry("Kokoro", ipa="kˈOkəɹO", scope="project"),
    ]
    after = repo.lexicon.replace_all(imported, book.id)
    assert _words(after) == [("elm", "ellum", None, False), ("Kokoro", None, "kˈOkəɹO", False)]
    assert after[0].id == old.id  # the same word keeps its entry
    assert repo.lexicon.of(book.id) == ([glob], after)
    merged = repo.lexicon.replace_all([new_entry("Extra", say="extra")], book.id, keep_others=True)
    assert [r.word for r in merged] == ["elm", "Extra", "Kokoro"]


def test_replace_all_never_half_applies(repo: Repository) -> None:
    repo.lexicon.add_or_replace("Keep", say="keep")
    before = repo.lexicon.of(None)
    twice = [new_entry("Alpha", say="a"), new_entry("alpha", say="b")]
    with pytest.raises(LexiconStoreError, match="'alpha' is given twice"):
        repo.lexicon.replace_all(twice, None)
    assert repo.lexicon.of(None) == before
    # A failure inside the transaction (a project that does not exist) rolls everything back.
    with pytest.raises(IntegrityError):
        repo.lexicon.replace_all([new_entry("Beta", say="b")], 999)
    assert repo.lexicon.of(None) == before


def test_deleting_a_project_deletes_its_entries_only(repo: Repository, tmp_path: Path) -> None:
    book = repo.create_project("Book")
    repo.lexicon.add_or_replace("Mine", say="mine", project_id=book.id)
    glob, _ = repo.lexicon.add_or_replace("Ours", say="ours")
    assert repo.delete_project(book.id)
    with closing(sqlite3.connect(tmp_path / "narrator.sqlite3")) as conn:
        assert conn.execute("SELECT word FROM lexicon_entries").fetchall() == [("Ours",)]
    assert repo.lexicon.of(None) == ([glob], [])
