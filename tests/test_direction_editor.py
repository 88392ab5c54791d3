"""The editor's direction: tags highlighted and malformed ones underlined with their message, Insert
pause, Read selection with voice…, and the table's Speed and pause… (undoable)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor

from fakes import FakeKokoro
from narrator_app.ui import build_main_window
from narrator_app.ui.segment_model import Column


def make_window(qtbot, tmp_path: Path, fake_model_dir: Path, fake: FakeKokoro):  # type: ignore[no-untyped-def]
    window = build_main_window(tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: fake)
    qtbot.addWidget(window)
    window.show()
    return window


def formats_of(editor) -> list[tuple[int, int, QTextCharFormat]]:  # type: ignore[no-untyped-def]
    """Every format range the highlighter laid out, as (start, end, format) in document offsets."""
    out = []
    block = editor.document().begin()
    while block.isValid():
        for r in block.layout().formats():
            out.append(
                (block.position() + r.start, block.position() + r.start + r.length, QTextCharFormat(r.format))
            )
        block = block.next()
    return out


def test_tags_are_highlighted_and_a_malformed_one_is_underlined(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(qtbot, tmp_path, fake_model_dir, fake_kokoro)
    text = "Hello [pause 1s] there.\n[voice am_michael]Me.[/voice] [pause forever] [voice nobody]x[/voice]"
    record = window.controller.segments.add(text)
    window.select_segment(record.id)
    editor = window.editor
    assert editor.toPlainText() == text
    highlighter = window.tag_editor.highlighter
    qtbot.waitUntil(lambda: len(formats_of(editor)) == 6)
    ranges = {(start, end): f for start, end, f in formats_of(editor)}
    tags = ["[pause 1s]", "[voice am_michael]", "[/voice]", "[pause forever]", "[voice nobody]"]
    for tag in tags:
        start = text.index(tag)
        assert (start, start + len(tag)) in ranges, tag
    wavy = QTextCharFormat.UnderlineStyle.WaveUnderline
    bad = {text[s:e] for (s, e), f in ranges.items() if f.underlineStyle() == wavy}
    assert bad == {"[pause forever]", "[voice nobody]"}
    start = text.index("[pause forever]")
    assert "a pause needs a number" in ranges[(start, start + len("[pause forever]"))].toolTip()
    assert "line 2, column" in highlighter.message_at(start + 2)
    assert highlighter.message_at(text.index("[pause 1s]") + 1) is None
    assert "nobody" in highlighter.message_at(text.index("[voice nobody]") + 1)

    # Fixing the tag clears its underline.
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("[pause forever]"), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("[pause 2s]")
    qtbot.waitUntil(lambda: {f.underlineStyle() == wavy for _s, _e, f in formats_of(editor)} == {False, True})
    assert [e for e in highlighter.errors.values() if "pause" in e.split(" at ")[0]] == []


def test_insert_pause_and_read_selection_with_voice(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(qtbot, tmp_path, fake_model_dir, fake_kokoro)
    record = window.controller.segments.add("She said hello to him.")
    window.select_segment(record.id)
    editor, tags = window.editor, window.tag_editor
    menu = tags.menu()
    assert tags.insert_pause in menu.actions() and tags.read_with_voice in menu.actions()
    assert tags.insert_pause.shortcut().toString() == "Ctrl+Shift+P"
    cursor = editor.textCursor()
    cursor.setPosition(len("She said"))
    editor.setTextCursor(cursor)
    window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(
        editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert editor.toPlainText() == "She said [pause 1s] hello to him."

    start = editor.toPlainText().index("hello")
    cursor.setPosition(start)
    cursor.setPosition(start + len("hello"), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    asked: list[list[str]] = []
    tags.choose_voice = lambda voices, parent: asked.append(voices) or "am_michael"
    assert tags.menu() and tags.read_with_voice.isEnabled()
    tags.read_with_voice.trigger()
    assert asked == [["af_heart", "am_michael"]]
    assert editor.toPlainText() == "She said [pause 1s] [voice am_michael]hello[/voice] to him."
    window.segment_editor.save_now()
    assert window.controller.segments.get(record.id).text == editor.toPlainText()
    assert window.tag_editor.highlighter.errors == {}


def test_speed_and_pause_from_the_context_menu_show_in_the_table_and_undo(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(qtbot, tmp_path, fake_model_dir, fake_kokoro)
    record = window.controller.segments.add("A line.")
    window.select_segment(record.id)
    row = window.model.row_of(record.id)
    assert window.speed_pause in window.context_menu.actions()
    assert window.speed_pause.isEnabled()
    asked = []
    window.ask_direction = lambda speed, pause, parent: asked.append((speed, pause)) or (0.8, 2.0)
    window.speed_pause.trigger()
    assert asked == [(None, None)]
    assert window.model.index(row, Column.VOICE).data() == "af_heart · 0.8× · +2 s"
    tip = window.model.index(row, Column.VOICE).data(Qt.ItemDataRole.ToolTipRole)
    assert "own speed 0.8×" in tip and "2 s of silence after it" in tip
    window.commands.undo.trigger()
    assert window.model.index(row, Column.VOICE).data() == "af_heart"  # the global voice, by name (issue 19)
    window.commands.redo.trigger()
    assert window.model.index(row, Column.VOICE).data() == "af_heart · 0.8× · +2 s"


def test_a_right_click_in_the_editor_opens_one_menu_with_every_command(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtWidgets import QApplication, QMenu

    window = make_window(qtbot, tmp_path, fake_model_dir, fake_kokoro)
    record = window.controller.segments.add("She said hello to him.")
    window.select_segment(record.id)
    editor = window.editor
    cursor = editor.textCursor()
    cursor.setPosition(len("She said "))
    cursor.setPosition(len("She said hello"), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    seen: list[list[tuple[str, bool]]] = []

    def look_and_close() -> None:
        """What menus are up once the event loop runs (also inside a menu's own exec loop)."""
        menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
        seen.extend([(a.text(), a.isEnabled()) for a in m.actions()] for m in menus)
        for menu in menus:
            menu.close()

    QTimer.singleShot(200, look_and_close)
    editor.customContextMenuRequested.emit(QPoint(5, 5))
    qtbot.waitUntil(lambda: bool(seen))
    assert len(seen) == 1, seen  # one menu, not one per add-on
    commands = dict(seen[0])
    assert {
        "Insert &pause",
        "Read selection with &voice…",
        "Pronounce as…",
        "Show what will be spoken",
    } <= set(commands)
    assert commands["Pronounce as…"] and commands["Read selection with &voice…"]
