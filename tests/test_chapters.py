"""Chapters through the controller and the command line: edits, undo, books imported as chapters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from book_fixtures import ebooklib_epub
from fakes import FakeKokoro
from narrator_app.app.chapter_commands import ChapterError
from narrator_app.core.books import read_book
from narrator_app.core.rules import Refusal


def _book(tmp_path: Path) -> Path:
    return ebooklib_epub(
        tmp_path / "novel.epub",
        [
            ("Chapter One", "<h1>Chapter One</h1><p>It was a dark night.</p><p>The wind blew.</p>"),
            ("Chapter Two", "<h1>Chapter Two</h1><p>Morning came.</p>"),
            ("Chapter Three", "<h1>Chapter Three</h1><p>The end.</p>"),
        ],
        nav=True,
        title="A Novel",
    )


@pytest.fixture
def cli(tmp_path: Path, fake_model_dir: Path, capsys, qapp):  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    return run


def test_an_epub_dry_run_adds_nothing_and_an_import_makes_its_chapters(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path)
    code, found = cli("import", str(path), "--dry-run")
    assert code == 0
    chapters = [c for c in found["chapters"] if not c["front_matter"]]
    assert [(c["title"], c["paragraphs"]) for c in chapters] == [
        ("Chapter One", 2),
        ("Chapter Two", 1),
        ("Chapter Three", 1),
    ]
    assert found["title"] == "A Novel" and found["author"] == "Bea Author"
    code, listed = cli("segments", "list")
    assert listed["segments"] == []  # the dry run added nothing
    wanted = ",".join(str(c["index"]) for c in chapters[:1] + chapters[2:])  # One and Three
    code, out = cli("import", str(path), "--chapters", wanted)
    assert code == 0
    assert [(c["title"], c["segments"]) for c in out["chapters"]] == [
        ("Chapter One", 3),
        ("Chapter Three", 2),
    ]
    code, listed = cli("segments", "list")
    texts = [(s["text"], s["chapter_id"]) for s in listed["segments"]]
    one, three = (c["id"] for c in out["chapters"])
    assert texts == [
        ("Chapter One", one),  # the title, spoken, opens its chapter
        ("It was a dark night.", one),
        ("The wind blew.", one),
        ("Chapter Three", three),
        ("The end.", three),
    ]
    assert out["segment_ids"] == [s["id"] for s in listed["segments"]]
    code, listed = cli("chapters", "list")
    # The project's own empty first chapter gave way to the book's (see the test below).
    assert [(c["title"], c["segment_count"], c["missing"]) for c in listed["chapters"]] == [
        ("Chapter One", 3, 3),
        ("Chapter Three", 2, 2),
    ]
    code, out = cli("import", str(path), "--chapters", "2-99")
    assert code == 2 and "no chapter 99" in out["message"]


def test_an_import_leaves_front_matter_out_unless_asked(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The book's own contents page (its nav document, in the spine) is not narrated by default,
    as the window's chapter picker leaves it unticked; --all-chapters brings it in too."""
    path = _book(tmp_path)
    code, found = cli("import", str(path), "--dry-run")
    assert code == 0
    assert [(c["front_matter"], c["imported"]) for c in found["chapters"]] == [
        (True, False),
        (False, True),
        (False, True),
        (False, True),
    ]
    code, out = cli("import", str(path))
    assert code == 0
    assert [c["title"] for c in out["chapters"]] == ["Chapter One", "Chapter Two", "Chapter Three"]
    code, out = cli("import", str(path), "--all-chapters")
    assert code == 0 and len(out["chapters"]) == 4
    code, out = cli("import", str(path), "--all-chapters", "--chapters", "2")
    assert code == 2 and "not both" in out["message"]


def test_a_book_takes_the_place_of_the_new_projects_empty_chapter_and_undo_brings_it_back(
    make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    (first,) = c.chapters.all()
    assert first.title == c.project.name and first.segment_count == 0
    c.chapters.import_book(read_book(_book(tmp_path)), source="novel.epub")
    book = ["A Novel", "Chapter One", "Chapter Two", "Chapter Three"]
    assert [ch.title for ch in c.chapters.all()] == book
    assert c.edits.undo().label == "Import novel.epub"
    assert [(ch.id, ch.title) for ch in c.chapters.all()] == [(first.id, first.title)]
    assert c.edits.redo().label == "Import novel.epub"
    assert [ch.title for ch in c.chapters.all()] == book


def test_a_book_leaves_a_chapter_the_user_named_where_it_is(
    make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    (first,) = c.chapters.all()
    c.chapters.rename(first.id, "Part One")  # named by the user: kept though empty
    c.chapters.import_book(read_book(_book(tmp_path)), source="novel.epub")
    assert c.chapters.all()[0].title == "Part One"


def test_a_book_leaves_a_chapter_with_segments_where_it_is(
    make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    d = make_controller(fake_model_dir, FakeKokoro())
    (own,) = d.chapters.all()
    d.segments.add("Already here.", chapter_id=own.id)  # not empty: kept
    d.chapters.import_book(read_book(_book(tmp_path)), source="novel.epub")
    assert d.chapters.all()[0].id == own.id and d.chapters.all()[0].segment_count == 1


def test_chapter_commands_on_the_command_line(cli) -> None:  # type: ignore[no-untyped-def]
    code, first = cli("chapters", "add", "Prologue", "--position", "1")
    assert code == 0 and first["position"] == 1
    code, added = cli("segments", "add", "Once.", "--chapter", str(first["id"]))
    code, listed = cli("segments", "list")
    assert listed["segments"][0]["chapter_id"] == first["id"]
    code, renamed = cli("chapters", "rename", str(first["id"]), "Foreword")
    assert code == 0 and renamed["title"] == "Foreword"
    code, moved = cli("chapters", "move", str(first["id"]), "2")
    assert code == 0 and moved["position"] == 2
    code, out = cli("chapters", "delete", str(first["id"]))
    assert code == 2 and "--yes" in out["message"] and "1 segments" in out["message"]
    code, out = cli("chapters", "delete", str(first["id"]), "--yes")
    assert code == 0
    code, listed = cli("segments", "list")
    assert listed["segments"] == []
    code, out = cli("chapters", "delete", "1", "--yes")
    assert code == 2 and "at least one chapter" in out["message"]
    for args in (
        ("chapters", "rename", "99", "X"),
        ("generate-all", "--chapter", "99"),
        ("segments", "add", "x", "--chapter", "99"),
    ):
        code, out = cli(*args)
        assert code == 4 and out["reason"] == "not_found", args
    code, out = cli("chapters", "add", "   ")
    assert code == 2 and "needs a title" in out["message"]


def test_deleting_a_chapter_is_undone_with_its_segments_and_their_audio(
    make_controller, fake_model_dir: Path, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from support import wait_for_tasks

    c = make_controller(fake_model_dir, FakeKokoro())
    imported = c.chapters.import_book(read_book(_book(tmp_path)), source="novel.epub")
    two = next(ch for ch in imported if ch.title == "Chapter Two")
    segment = two.segment_ids[1]
    task = c.generation.generate_audio(segment)
    wait_for_tasks(qtbot, c, [task])
    audio = c.data_dir / c.segments.get(segment).audio_file
    before = [(s.id, s.text, s.chapter_id, s.position) for s in c.segments.all()]
    titles = [ch.title for ch in c.chapters.all()]

    assert not isinstance(c.chapters.delete(two.id), Refusal)
    assert not audio.exists() and two.id not in [ch.id for ch in c.chapters.all()]
    assert all(s.chapter_id != two.id for s in c.segments.all())

    undone = c.edits.undo()
    assert not isinstance(undone, Refusal) and undone.label == "Delete chapter"
    assert [(s.id, s.text, s.chapter_id, s.position) for s in c.segments.all()] == before
    assert [ch.title for ch in c.chapters.all()] == titles
    assert audio.exists() and c.segments.get(segment).audio_file is not None  # its audio came back
    redone = c.edits.redo()
    assert not isinstance(redone, Refusal) and two.id not in [ch.id for ch in c.chapters.all()]


def test_chapter_edits_undo_and_locked_segments_refuse_a_delete(
    make_controller, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    (default,) = c.chapters.all()
    second = c.chapters.add("Second")
    record = c.segments.add("Mine.", chapter_id=second.id)
    c.segments.update(record.id, locked=True)
    refusal = c.chapters.delete(second.id)
    assert isinstance(refusal, Refusal) and "unlock" in refusal.message
    c.chapters.rename(second.id, "Renamed")
    c.chapters.move(second.id, 0)
    assert [ch.title for ch in c.chapters.all()] == ["Renamed", default.title]
    assert c.edits.undo().label == "Move chapter"
    assert [ch.title for ch in c.chapters.all()] == ["Renamed", default.title][::-1]
    assert c.edits.undo().label == "Rename chapter"
    assert c.chapters.get(second.id).title == "Second"
    with pytest.raises(ChapterError, match="no chapter 999"):
        c.chapters.rename(999, "x")


def test_generate_all_of_one_chapter_queues_only_its_segments(
    make_controller, fake_model_dir: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from support import wait_for_tasks

    c = make_controller(fake_model_dir, FakeKokoro())
    other = c.chapters.add("Other")
    first = c.segments.add("In the first chapter.", chapter_id=c.chapters.all()[0].id)
    mine = [c.segments.add(f"Other {n}.", chapter_id=other.id) for n in range(2)]
    summary = c.generation.generate_all(chapter_id=other.id)
    assert summary.queued == 2
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert all(c.segments.get(s.id).audio_file for s in mine) and c.segments.get(first.id).audio_file is None
    (status,) = [s for s in c.chapters.statuses() if s.chapter.id == other.id]
    assert status.ready == 2 and status.missing == 0 and status.duration > 0


def test_a_heading_too_long_for_a_chapter_name_is_shortened_and_read_whole(
    make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    heading = " ".join(["A very long heading word"] * 26)  # 649 characters
    source = tmp_path / "long.md"
    source.write_text(f"# {heading}\n\nThe text of it.\n\n# Short\n\nMore text.\n", encoding="utf-8")
    imported = c.chapters.import_book(read_book(source), source="long.md")
    titles = [chapter.title for chapter in imported]
    assert len(titles[0]) <= 500 and titles[0].endswith("…") and heading.startswith(titles[0][:-1])
    assert titles[1] == "Short"
    first = [c.segments.get(i).text for i in imported[0].segment_ids]
    assert first == [heading, "The text of it."]  # nothing lost: the heading is read whole


def test_generate_all_of_one_chapter_on_the_command_line(
    tmp_path: Path, real_model_dir: Path, capsys, qapp
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    def cli(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(real_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    code, one = cli("chapters", "add", "One")
    code, two = cli("chapters", "add", "Two")
    ids = {}
    for title, chapter in (("a", one), ("b", one), ("c", two)):
        code, added = cli("segments", "add", f"Word {title}.", "--chapter", str(chapter["id"]))
        ids[title] = added["id"]
    code, done = cli("generate-all", "--chapter", str(two["id"]))
    assert code == 0 and done["queued"] == 1 and done["completed"] == 1, done
    code, listed = cli("segments", "list")
    status = {s["id"]: s["audio_status"] for s in listed["segments"]}
    assert (status[ids["a"]], status[ids["b"]], status[ids["c"]]) == ("none", "none", "ready")
    code, chapters = cli("chapters", "list")
    counts = {c["id"]: (c["ready"], c["missing"]) for c in chapters["chapters"]}
    assert counts[one["id"]] == (0, 2) and counts[two["id"]] == (1, 0)
