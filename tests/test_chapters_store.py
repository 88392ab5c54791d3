"""Chapters in the store: migration of existing projects, order across chapters, book details."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from migration_fixtures import make_first_release_database
from narrator_app.store import BookDetails, Repository, open_database


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "narrator.sqlite3"))


def _texts(repo: Repository, project_id: int) -> list[tuple[str, int]]:
    return [(s.text, s.chapter_id) for s in repo.list_segments(project_id)]


def test_existing_projects_migrate_into_one_chapter_named_after_the_project(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path)
    with closing(sqlite3.connect(path)) as conn:  # segment 6 was the last one made, then deleted
        conn.execute("UPDATE sqlite_sequence SET seq = 6 WHERE name = 'segments'")
        conn.commit()
    repo = Repository(open_database(path))
    (default, _), (book, _) = sorted(repo.list_projects(), key=lambda p: p[0].id)
    chapters = repo.chapters.of(default.id)
    assert [(c.title, c.segment_count) for c in chapters] == [("Default", 2)]
    assert [(c.title, c.segment_count) for c in repo.chapters.of(book.id)] == [("Book", 1)]
    assert {s.chapter_id for s in repo.list_segments(default.id)} == {chapters[0].id}
    # The segments table was made again: still AUTOINCREMENT, and its sequence kept.
    assert repo.add_segment(default.id, "new").id == 7
    with closing(sqlite3.connect(path)) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'segments'").fetchone()[0]
        assert "AUTOINCREMENT" in sql
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_project_has_one_chapter_and_segments_go_to_the_end_of_a_chapter(repo: Repository) -> None:
    project = repo.create_project("Novel")
    (first,) = repo.chapters.of(project.id)
    assert first.title == "Novel"
    second = repo.chapters.add(project.id, "Two")
    repo.add_segments(project.id, ["b1", "b2"])  # the last chapter by default
    repo.add_segments(project.id, ["a1"], chapter_id=first.id)
    assert _texts(repo, project.id) == [("a1", first.id), ("b1", second.id), ("b2", second.id)]
    assert [s.position for s in repo.list_segments(project.id)] == [0, 1, 2]
    assert [c.segment_count for c in repo.chapters.of(project.id)] == [1, 2]


def test_moving_a_chapter_moves_its_segments(repo: Repository) -> None:
    project = repo.create_project("Novel")
    ids = repo.chapters.add_book(project.id, [("One", ["1a", "1b"]), ("Two", ["2a"]), ("Three", ["3a"])])
    repo.chapters.move(ids[2], 0)
    titles = [c.title for c in repo.chapters.of(project.id)]
    assert titles == ["Three", "Novel", "One", "Two"]
    assert [t for t, _ in _texts(repo, project.id)] == ["3a", "1a", "1b", "2a"]
    assert [s.position for s in repo.list_segments(project.id)] == [0, 1, 2, 3]


def test_a_segment_moved_one_step_over_a_chapter_edge_changes_chapter_only(repo: Repository) -> None:
    project = repo.create_project("Novel")
    one, two = repo.chapters.add_book(project.id, [("One", ["1a", "1b"]), ("Two", ["2a", "2b"])])
    first_of_two = repo.list_segments(project.id)[2]
    moved = repo.move_segment(first_of_two.id, first_of_two.position - 1)
    assert moved is not None and moved.position == 2 and moved.chapter_id == one
    assert _texts(repo, project.id) == [("1a", one), ("1b", one), ("2a", one), ("2b", two)]
    # A longer move takes the chapter of the place it lands in.
    top = repo.list_segments(project.id)[0]
    moved = repo.move_segment(top.id, 3)
    assert moved is not None and moved.chapter_id == two
    assert [t for t, _ in _texts(repo, project.id)] == ["1b", "2a", "2b", "1a"]


def test_inserted_segments_join_the_chapter_of_the_segment_before(repo: Repository) -> None:
    project = repo.create_project("Novel")
    one, two = repo.chapters.add_book(project.id, [("One", ["1a"]), ("Two", ["2a"])])
    after_1a = repo.insert_segment(project.id, 1, "1b")
    assert after_1a.chapter_id == one
    at_top = repo.insert_segment(project.id, 0, "0")
    assert at_top.chapter_id == one


def test_deleting_a_chapter_deletes_its_segments_and_closes_the_gaps(repo: Repository) -> None:
    project = repo.create_project("Novel")
    one, two, three = repo.chapters.add_book(
        project.id, [("One", ["1a"]), ("Two", ["2a", "2b"]), ("3", ["3a"])]
    )
    assert repo.chapters.delete(two)
    assert [t for t, _ in _texts(repo, project.id)] == ["1a", "3a"]
    assert [c.position for c in repo.chapters.of(project.id)] == [0, 1, 2]
    assert [s.position for s in repo.list_segments(project.id)] == [0, 1]
    assert not repo.chapters.delete(two)


def test_segments_moved_to_another_chapter_go_to_its_end_in_order(repo: Repository) -> None:
    project = repo.create_project("Novel")
    one, two = repo.chapters.add_book(project.id, [("One", ["1a", "1b", "1c"]), ("Two", ["2a"])])
    segs = repo.list_segments(project.id)
    assert repo.chapters.move_segments((segs[2].id, segs[0].id), two) == 2
    assert _texts(repo, project.id) == [("1b", one), ("2a", two), ("1a", two), ("1c", two)]


def test_book_details_are_kept_per_project(repo: Repository) -> None:
    project = repo.create_project("Novel")
    assert repo.chapters.book_details(project.id) == BookDetails()
    details = BookDetails(title="A Tale", author="C. D.", narrator="Me", year="1859", language="en")
    repo.chapters.set_book_details(project.id, details)
    assert repo.chapters.book_details(project.id) == details
