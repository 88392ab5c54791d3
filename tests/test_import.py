"""Import of .txt and .md files: encodings, Markdown, paragraphs, refusals."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from fakes import FakeKokoro
from narrator_app.core.textimport import ImportFileError, paragraphs, segments_from_file, split_long

MARKDOWN = """# Chapter *One*: the [lighthouse](https://example.org)

Some **bold** words and `code`,
wrapped onto a second line.

```python
print("code blocks are not read aloud")
```

- first item
- second _item_

> A quoted line.

Second heading
--------------

![a picture](image.png)
Text after the picture.
"""


def test_markdown_becomes_speakable_paragraphs() -> None:
    assert paragraphs(MARKDOWN, markdown=True) == [
        "Chapter One: the lighthouse",
        "Some bold words and code, wrapped onto a second line.",
        "first item\nsecond item",
        "A quoted line.",
        "Second heading",
        "Text after the picture.",
    ]


def test_plain_text_keeps_its_characters() -> None:
    text = "A # is not a heading here,\nand *stars* stay.\n\n\n  Next paragraph.  \n"
    assert paragraphs(text, markdown=False) == [
        "A # is not a heading here, and *stars* stay.",
        "Next paragraph.",
    ]


def test_long_paragraphs_are_split_at_sentence_ends() -> None:
    sentence = "This sentence is about forty characters. "
    paragraph = (sentence * 60).strip()
    pieces = split_long(paragraph, limit=1000)
    assert len(pieces) == 3
    assert all(len(p) <= 1000 and p.endswith(".") for p in pieces)
    assert " ".join(pieces) == paragraph


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with a BOM
        lambda t: t.encode("utf-16-le"),  # without one
        lambda t: t.encode("utf-16-be"),
    ],
)
def test_utf8_and_utf16_files_are_read(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "story.txt"
    path.write_bytes(encode("Première ligne, déjà.\n\nZweiter Absatz: Grüße."))
    assert segments_from_file(path) == ["Première ligne, déjà.", "Zweiter Absatz: Grüße."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.txt", bytes(range(256)) * 20, "binary"),
        ("latin1.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8 or UTF-16"),
        ("book.pdf", b"%PDF-1.4", ".txt and .md"),
    ],
)
def test_binary_undecodable_and_other_files_are_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        segments_from_file(path)


def test_the_command_line_imports_and_refuses(tmp_path: Path, fake_model_dir: Path, capsys, qapp) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    (tmp_path / "chapter.md").write_text(MARKDOWN, encoding="utf-8")
    run("segments", "add", "Already here.")
    code, out = run("import", str(tmp_path / "chapter.md"))
    assert code == 0 and out["added"] == 6 and len(out["segment_ids"]) == 6
    code, out = run("segments", "list")
    assert [s["text"] for s in out["segments"]][:2] == ["Already here.", "Chapter One: the lighthouse"]
    assert [s["position"] for s in out["segments"]] == list(range(7))
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    code, out = run("import", str(tmp_path / "bin.txt"))
    assert code == 2 and "binary" in out["message"]
    code, out = run("segments", "list")
    assert len(out["segments"]) == 7  # nothing added


def test_import_and_drop_in_the_window(qtbot, make_controller, fake_model_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.main_window import MainWindow

    window = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    qtbot.addWidget(window)
    window.show()
    asked: list[tuple[str, int]] = []
    window.transfers.confirm_import = lambda path, paras: asked.append((path.name, len(paras))) or paras
    story = tmp_path / "story.txt"
    story.write_text("One.\n\nTwo.\n\nThree.", encoding="utf-8")

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(story))])
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: asked == [("story.txt", 3)])  # read on a worker thread, then asked
    assert [r.text for r in window.controller.segments.all()] == ["One.", "Two.", "Three."]
    assert window.model.rowCount() == 3 and window.current_id() == window.controller.segments.all()[0].id

    window.transfers.confirm_import = lambda path, paras: (
        asked.append((path.name, len(paras))) and None
    )  # the user said no
    window.transfers.import_files([story])
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert window.model.rowCount() == 3
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes(range(256)) * 10)
    window.transfers.import_files([bad])
    qtbot.waitUntil(lambda: "binary" in window.message_bar.text)
    assert window.model.rowCount() == 3


def test_markdown_stripping_leaves_ordinary_text_alone() -> None:
    text = (
        "# Learn C#\n\nUse snake_case_names, _emph_, **bold**, C:\\Users\\me and \\*literal stars\\*."
        "\n\n## Closing ##"
    )
    assert paragraphs(text, markdown=True) == [
        "Learn C#",
        "Use snake_case_names, emph, bold, C:\\Users\\me and *literal stars*.",
        "Closing",
    ]


def test_the_preview_counts_segments_for_the_chosen_limit(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.core.textimport import paragraphs_from_file
    from narrator_app.ui.import_dialog import ImportPreview

    sentence = "This sentence is about forty characters. "
    path = tmp_path / "chapter.md"
    path.write_text(f"# Title\n\n{(sentence * 60).strip()}\n\nShort one.", encoding="utf-8")
    paras = paragraphs_from_file(path)
    dialog = ImportPreview(path, paras, 1000, 4)
    qtbot.addWidget(dialog)
    assert dialog.summary.text().startswith("chapter.md makes 5 segments, added after the 4 existing ones.")
    assert dialog.preview.count() == 5 and dialog.preview.item(0).text() == "1.  Title"
    dialog.limit.setValue(500)
    assert len(dialog.texts) == 2 + 5 and all(len(t) <= 500 for t in dialog.texts)
    assert "7 segments" in dialog.summary.text()
    dialog.limit.setValue(100_000)
    assert dialog.texts == paras and "3 segments" in dialog.summary.text()


def test_the_window_imports_with_the_limit_chosen_last_time(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from narrator_app.ui.import_dialog import ImportPreview
    from narrator_app.ui.main_window import MainWindow

    window = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    qtbot.addWidget(window)
    path = tmp_path / "long.txt"
    path.write_text(("A sentence of moderate length, thirty-nine. " * 40).strip(), encoding="utf-8")
    chosen: list[int] = []

    def answer(limit: int, accept: bool) -> None:
        def act() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, ImportPreview):  # the file is still being read
                QTimer.singleShot(10, act)
                return
            chosen.append(dialog.limit.value())
            dialog.limit.setValue(limit)
            dialog.accept() if accept else dialog.reject()

        QTimer.singleShot(0, act)

    answer(300, accept=True)
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: window.model.rowCount() > 0)
    texts = [s.text for s in window.controller.segments.all()]
    assert len(texts) == 7 and all(len(t) <= 300 for t in texts)
    assert window.controller.edits.history.undo_label == "Import long.txt"
    answer(1000, accept=False)
    window.transfers.import_files([path])
    qtbot.waitUntil(lambda: len(chosen) == 2)
    assert chosen == [1000, 300]  # the limit chosen last time is offered again
    assert window.model.rowCount() == 7  # cancelled: nothing added


def test_the_command_line_takes_a_limit(tmp_path: Path, fake_model_dir: Path, capsys, qapp) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    path = tmp_path / "long.txt"
    path.write_text(("A sentence of moderate length, thirty-nine. " * 40).strip(), encoding="utf-8")

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(fake_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, out = run("import", str(path), "--max-chars", "300")
    assert code == 0 and out["added"] == 7
    code, out = run("import", str(path))
    assert code == 0 and out["added"] == 2
    code, out = run("import", str(path), "--max-chars", "5")
    assert code == 2 and "--max-chars" in out["message"]
