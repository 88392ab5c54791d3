"""Projects: create, rename, delete, switch; each with its own segments and audio folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes import FakeKokoro
from narrator_app.core.rules import ProjectError
from support import MakeController, wait_for_tasks


def test_projects_keep_their_own_segments_and_audio(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    first = c.segments.add("In the default project.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(first.id)])
    book = c.projects.create("  My   book ")
    assert book.name == "My book"
    with qtbot.waitSignal(c.project_changed):
        c.projects.open("my BOOK")  # names are matched ignoring case
    assert c.project == book and c.segments.all() == []
    chapter = c.segments.add("In the book.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(chapter.id)])
    assert c.segments.get(chapter.id).audio_file.startswith(f"audio/{book.id}/segment_{chapter.id}_take1_")
    assert {p.name: n for p, n in c.projects.all()} == {"Default": 1, "My book": 1}

    with pytest.raises(ProjectError, match="already a project named 'Default'"):
        c.projects.create("default")
    with pytest.raises(ProjectError, match="needs a name"):
        c.projects.rename("My book", "   ")
    assert c.projects.rename("My book", "The book").name == "The book"
    assert c.project.name == "The book"

    c.projects.delete("The book")
    assert c.project.name == "Default" and [s.id for s in c.segments.all()] == [first.id]
    assert not (c.data_dir / "audio" / str(book.id)).exists()
    assert c.segments.get(chapter.id) is None
    assert (c.data_dir / c.segments.get(first.id).audio_file).is_file()  # other projects untouched
    with pytest.raises(ProjectError, match="no project named 'The book'"):
        c.projects.open("The book")


def test_the_command_line_works_on_the_project_given(
    tmp_path: Path, fake_model_dir: Path, capsys, qapp
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, out = run("projects", "create", "Podcast")
    assert code == 0 and out["name"] == "Podcast"
    code, out = run("projects", "create", "podcast")
    assert code == 2 and "already a project" in out["message"]
    run("--project", "Podcast", "segments", "add", "Episode one.")
    run("segments", "add", "In the default project.")
    code, out = run("--project", "Podcast", "segments", "list")
    assert [s["text"] for s in out["segments"]] == ["Episode one."]
    code, out = run("projects", "list")
    assert out == {
        "projects": [
            {"id": out["projects"][0]["id"], "name": "Default", "segments": 1},
            {"id": out["projects"][1]["id"], "name": "Podcast", "segments": 1},
        ]
    }
    code, out = run("projects", "rename", "Podcast", "Show")
    assert code == 0 and out["name"] == "Show"
    code, out = run("projects", "delete", "Show")
    assert code == 2 and "--yes" in out["message"]
    code, out = run("projects", "delete", "Show", "--yes")
    assert code == 0 and out == {"deleted": "Show"}
    code, out = run("--project", "Show", "segments", "list")
    assert code == 4 and "no project named 'Show'" in out["message"]


def test_the_window_switches_projects_and_reopens_the_last_one(
    qtbot, tmp_path: Path, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui import build_main_window

    def window():  # type: ignore[no-untyped-def]
        w = build_main_window(
            tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro()
        )
        qtbot.addWidget(w)
        w.show()
        return w

    first = window()
    first.controller.segments.add("Default text.")
    first.project_menu.ask_name = lambda title, label, text: "Audiobook"
    first.project_menu.new_project()
    assert first.windowTitle().startswith("Audiobook") and first.model.rowCount() == 0
    first.controller.segments.add("Book text.")
    first.project_menu.rebuild()
    labels = [a.text() for a in first.project_menu.actions()]
    assert labels == ["Audiobook  (1)", "Default  (1)"]
    assert [a.isChecked() for a in first.project_menu.actions()] == [True, False]
    first.close()

    first.controller.projects.rename("Audiobook", "The audiobook")  # as the command line could
    second = window()  # the last project opens again, found by id
    assert second.controller.project.name == "The audiobook"
    assert [second.model.index(r, 2).data() for r in range(second.model.rowCount())] == ["Book text."]
    second.project_menu.confirm_delete = lambda name, n: (name, n) == ("The audiobook", 1)
    second.project_menu.delete_project()
    assert second.controller.project.name == "Default" and second.model.rowCount() == 1
    second.project_menu.ask_name = lambda title, label, text: "Default"
    second.project_menu.new_project()
    assert "already a project named 'Default'" in second.message_bar.text


def test_the_open_project_menu_lists_the_recent_projects_first(
    qtbot, tmp_path: Path, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui import build_main_window

    def window():  # type: ignore[no-untyped-def]
        w = build_main_window(
            tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro()
        )
        qtbot.addWidget(w)
        return w

    first = window()
    c = first.controller
    for name in ("Alpha", "Beta", "Gamma", "Zeta"):
        c.projects.create(name)
    first.project_menu.rebuild()
    assert [a.text() for a in first.project_menu.actions()] == [
        "Default  (0)", "", "Alpha  (0)", "Beta  (0)", "Gamma  (0)", "Zeta  (0)"
    ]  # fmt: skip
    c.projects.open("Zeta")
    c.projects.open("Beta")
    first.project_menu.rebuild()
    menu = first.project_menu.actions()
    assert [a.text() for a in menu] == [
        "Beta  (0)",
        "Zeta  (0)",
        "Default  (0)",
        "",
        "Alpha  (0)",
        "Gamma  (0)",
    ]
    assert [a.isChecked() for a in menu] == [True, False, False, False, False, False]
    menu[1].trigger()  # a recent one, a click away
    assert c.project.name == "Zeta"
    first.close()
    second = window()  # the order is kept for the next start, and the last project opens
    assert second.controller.project.name == "Zeta"
    second.project_menu.rebuild()
    assert [a.text() for a in second.project_menu.actions()][:3] == ["Zeta  (0)", "Beta  (0)", "Default  (0)"]


def test_a_segment_of_another_project_is_not_touched(
    tmp_path: Path, fake_model_dir: Path, capsys, qapp
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    run("projects", "create", "Book")
    _code, added = run("--project", "Book", "segments", "add", "In the book.")
    book_id = added["id"]
    for command in (("segments", "set", str(book_id), "--text", "X"), ("segments", "delete", str(book_id))):
        code, out = run(*command)  # the default project: the id is not one of its segments
        assert code == 4 and out["reason"] == "not_found"
        assert (
            out["message"]
            == f"Segment {book_id} is not in the project 'Default'; name its project with --project."
        )
    code, out = run("generate", str(book_id))
    assert code == 4 and "not in the project 'Default'" in out["message"]
    code, out = run("--project", "Book", "segments", "list")
    assert [s["text"] for s in out["segments"]] == ["In the book."]
    code, out = run("--project", "Book", "segments", "set", str(book_id), "--text", "Edited in its project.")
    assert code == 0 and out["text"] == "Edited in its project."


def test_text_being_typed_is_saved_in_its_project_before_switching(
    qtbot, tmp_path: Path, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    from narrator_app.ui import build_main_window

    w = build_main_window(
        tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: FakeKokoro()
    )
    qtbot.addWidget(w)
    w.show()
    c = w.controller
    segment = c.segments.add("Draft")
    c.projects.create("Other")
    w.select_segment(segment.id)
    w.editor.moveCursor(w.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(w.editor, " typed")  # within the 400 ms before it would be saved
    assert w.segment_editor.has_unsaved_edits
    w.project_menu.open("Other")
    assert c.project.name == "Other" and w.message_bar.isHidden()
    assert c.segments.get(segment.id).text == "Draft typed"
    assert not w.commands.undo.isEnabled() and w.commands.undo.text() == "&Undo"  # Other's own history
    w.project_menu.open("Default")
    assert w.commands.undo.isEnabled() and w.commands.undo.text() == "&Undo Edit text"
