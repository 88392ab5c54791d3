"""The Lexicon dialog and the editor's "Pronounce as…": entries added, edited, removed and undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from fakes import FakeKokoro
from narrator_app.ui import build_main_window
from narrator_app.ui.lexicon_dialog import LexiconDialog
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.pronounce_dialog import PronounceDialog


@pytest.fixture
def window(qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    made = build_main_window(
        tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: fake_kokoro
    )
    qtbot.addWidget(made)
    made.show()
    yield made


def rows(dialog: LexiconDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
        if not table.isRowHidden(r)
    ]


def test_the_dialog_adds_edits_filters_deletes_and_undoes(window: MainWindow, tmp_path: Path) -> None:
    c = window.controller
    c.segments.add("The zork was green.")
    c.segments.add("Blorf and the zork.")
    window.lexicon_action.trigger()
    dialog = window.lexicon_dialog
    assert dialog.isVisible() and rows(dialog) == []

    add = dialog.add()
    add.word.setText("zork")
    add.how.setText("cork")
    add.save()
    assert add.result() == QDialog.DialogCode.Accepted
    add = dialog.add()
    add.word.setText("Blorf")
    add.ipa.setChecked(True)
    add.how.setText("bl9rf")  # not a phoneme the model knows: refused, nothing saved
    add.save()
    assert "'9'" in add.status.text() and add.isVisible()
    add.how.setText("blˈɔɹf")
    add.project.setChecked(True)
    add.save()
    assert rows(dialog) == [
        ("Blorf", "blˈɔɹf", "IPA", "project", "no", "1"),
        ("zork", "cork", "respelling", "global", "no", "2"),
    ]
    dialog.filter.setText("cor")
    assert [r[0] for r in rows(dialog)] == ["zork"]
    dialog.filter.setText("")

    dialog.table.selectRow(1)
    edit = dialog.edit_selected()
    assert edit is not None and edit.how.text() == "cork"
    edit.how.setText("quark")
    edit.save()
    assert rows(dialog)[1][1] == "quark"
    dialog.table.selectRow(1)
    dialog.delete_selected()
    assert [r[0] for r in rows(dialog)] == ["Blorf"]
    dialog.undo()
    assert rows(dialog)[1][:2] == ("zork", "quark")
    dialog.undo()
    assert rows(dialog)[1][:2] == ("zork", "cork")
    assert [(e.word, e.say) for e in c.lexicon.in_force() if e.say] == [("zork", "cork")]

    out = tmp_path / "lex.pls"
    dialog.export_pls(out)
    assert b"<grapheme>zork</grapheme>" in out.read_bytes()
    bad = tmp_path / "bad.pls"
    bad.write_text("not xml", encoding="utf-8")
    dialog.import_pls(bad)
    assert dialog.status.text().startswith("Nothing was imported") and len(rows(dialog)) == 2
    database = c.data_dir / "narrator.sqlite3"
    kept = database.read_bytes()
    dialog.export_pls(database)  # refused with the reason, in the dialog
    assert "inside Narrator's data folder" in dialog.status.text() and database.read_bytes() == kept


def test_pronounce_as_from_the_editor_and_the_spoken_text(window: MainWindow) -> None:
    c = window.controller
    segment = c.segments.add("Zyx paid $5.")
    window.segment_editor.show_segment(segment.id)
    tools = window.pronunciation
    dialog = tools.pronounce("Zyx")
    assert isinstance(dialog, PronounceDialog) and dialog.word.text() == "Zyx"
    dialog.how.setText("zicks")
    dialog.save()
    assert [(e.word, e.say) for e in c.lexicon.in_force()] == [("Zyx", "zicks")]
    tools.show_spoken.setChecked(True)
    assert tools.spoken.text() == "Spoken: zicks paid five dollars."
