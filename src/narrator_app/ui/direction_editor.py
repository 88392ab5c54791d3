"""Direction in the window: the editor's tag highlighting (malformed tags underlined, their message as
tooltip), its "Insert pause" and "Read selection with voice…" commands, and the table's "Speed and
pause…" for the selected segments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QHelpEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QInputDialog,
    QMenu,
    QPlainTextEdit,
    QToolTip,
    QWidget,
)

from narrator_app.app.controller import Controller
from narrator_app.app.direction import KEEP
from narrator_app.core.rules import Refusal, RefusalReason, SettingsError, literal
from narrator_app.core.script import MAX_SPEED, MIN_SPEED, TagSpan, VoiceCheck, find_errors, tag_spans
from narrator_app.ui.segment_model import SegmentTableModel
from narrator_app.ui.segment_voice import installed_voices

INSERT_PAUSE_KEYS = "Ctrl+Shift+P"
PAUSE_TAG = "[pause 1s]"
_COLOURS = {
    "pause": "#1565c0",
    "voice": "#6a1b9a",
    "/voice": "#6a1b9a",
    "speed": "#2e7d32",
    "/speed": "#2e7d32",
}
# (the installed voices, the parent widget) → the voice chosen, or None
ChooseVoice = Callable[[list[str], QWidget], "str | None"]
# (current speed or None, current pause or None, the parent) → (speed, pause), each None for the global
AskDirection = Callable[[float | None, float | None, QWidget], "tuple[float | None, float | None] | None"]


class TagHighlighter(QSyntaxHighlighter):
    """Colours the direction tags of a segment's text; a malformed one is underlined in red. The tags
    are found in the whole text at once (a passage may span lines), then each block takes its share.
    `spans` and `errors` are what was found last."""

    def __init__(self, document: QTextDocument, check_voice: Callable[[], VoiceCheck | None]) -> None:
        super().__init__(document)
        self._check_voice = check_voice
        self._text: str | None = None
        self.spans: list[TagSpan] = []
        self.errors: dict[tuple[int, int], str] = {}  # (start, end) → the message

    def _analyse(self) -> None:
        text = self.document().toPlainText()
        if text == self._text:
            return
        self._text = text
        check = self._check_voice() if "[" in text else None
        before = (self.spans, self.errors)
        self.spans = tag_spans(text, check) if "[" in text else []
        self.errors = {(e.start, e.end): e.message for e in find_errors(text, check)} if self.spans else {}
        if (self.spans, self.errors) != before:
            # A change here can make a tag in another block (an unclosed [voice]) right or wrong.
            QTimer.singleShot(0, self._refresh)

    def _refresh(self) -> None:
        text = self._text
        self._text = None
        self._analyse()
        self._text = text
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        self._analyse()
        block = self.currentBlock()
        start, end = block.position(), block.position() + len(text)
        for span in self.spans:
            if span.end <= start or span.start >= end:
                continue
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(_COLOURS.get(span.kind, "#b71c1c")))
            fmt.setFontWeight(QFont.Weight.DemiBold)
            message = self.errors.get((span.start, span.end))
            if not span.ok or message:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor("#d32f2f"))
                fmt.setForeground(QColor("#d32f2f"))
                fmt.setToolTip(message or "")
            first = max(span.start, start) - start
            self.setFormat(first, min(span.end, end) - start - first, fmt)

    def message_at(self, offset: int) -> str | None:
        """The message of the malformed tag at this offset of the text, if any."""
        for (start, end), message in self.errors.items():
            if start <= offset < end:
                return message
        return None


class TagEditor(QObject):
    """Adds direction to a segment's QPlainTextEdit: highlighting, tooltips on malformed tags, and
    the context menu's Insert pause (Ctrl+Shift+P) and Read selection with voice…"""

    def __init__(self, controller: Controller, text: QPlainTextEdit) -> None:
        super().__init__(text)
        # Adds other commands to the same context menu ("Pronounce as…", ui/lexicon_dialog.py): the
        # editor has one menu, shown here.
        self.extend_menu: Callable[[QMenu], None] | None = None
        self._controller = controller
        self.text = text
        self.highlighter = TagHighlighter(text.document(), controller.generation.tag_voice_check)
        self.choose_voice: ChooseVoice = _choose_voice
        self.insert_pause = QAction("Insert &pause", text)
        self.insert_pause.setObjectName("insertPauseAction")
        self.insert_pause.setShortcut(INSERT_PAUSE_KEYS)
        self.insert_pause.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.insert_pause.setToolTip(f"Insert {PAUSE_TAG} at the cursor: a second of silence")
        self.insert_pause.triggered.connect(self.do_insert_pause)
        text.addAction(self.insert_pause)
        self.read_with_voice = QAction("Read selection with &voice…", text)
        self.read_with_voice.setObjectName("readWithVoiceAction")
        self.read_with_voice.triggered.connect(self.do_read_with_voice)
        text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        text.customContextMenuRequested.connect(self._show_menu)
        self._viewport = text.viewport()
        self._viewport.installEventFilter(self)

    def menu(self) -> QMenu:
        """The editor's context menu: the standard one with the direction commands first."""
        menu = self.text.createStandardContextMenu()
        writable = self.text.isEnabled() and not self.text.isReadOnly()
        self.insert_pause.setEnabled(writable)
        self.read_with_voice.setEnabled(writable and self.text.textCursor().hasSelection())
        if menu.actions():
            first = menu.actions()[0]
            menu.insertAction(first, self.insert_pause)
            menu.insertAction(first, self.read_with_voice)
            menu.insertSeparator(first)
        else:
            menu.addActions([self.insert_pause, self.read_with_voice])
        if self.extend_menu is not None:
            self.extend_menu(menu)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.text.mapToGlobal(pos))

    def do_insert_pause(self) -> None:
        if self.text.isReadOnly() or not self.text.isEnabled():
            return
        cursor = self.text.textCursor()
        text, start, end = self.text.toPlainText(), cursor.selectionStart(), cursor.selectionEnd()
        before, after = text[start - 1 : start] if start else "", text[end : end + 1]
        lead = "" if not before or before.isspace() else " "
        trail = "" if after.isspace() or (after and not after.isalnum()) else " "
        cursor.insertText(lead + PAUSE_TAG + trail)
        self.text.setTextCursor(cursor)

    def do_read_with_voice(self) -> None:
        cursor = self.text.textCursor()
        if self.text.isReadOnly() or not cursor.hasSelection():
            return
        voice = self.choose_voice(installed_voices(self._controller), self.text)
        if not voice:
            return
        selected = cursor.selectedText().replace("\u2029", "\n")  # Qt's paragraph separator
        cursor.insertText(f"[voice {voice}]{selected}[/voice]")
        self.text.setTextCursor(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and watched is self._viewport:
            assert isinstance(event, QHelpEvent)
            offset = self.text.cursorForPosition(event.pos()).position()
            message = self.highlighter.message_at(offset) or self.highlighter.message_at(offset - 1)
            if message:
                QToolTip.showText(event.globalPos(), message, self.text.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)


def _choose_voice(voices: list[str], parent: QWidget) -> str | None:
    voice, ok = QInputDialog.getItem(
        parent,
        "Read selection with voice",
        "Voice (or a blend such as af_bella:2,af_sky:1):",
        voices,
        0,
        True,
    )
    return voice.strip() if ok and voice.strip() else None


class DirectionDialog(QDialog):
    """A segment's own speed and pause after it; an unticked box means the global value."""

    def __init__(self, speed: float | None, pause: float | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Speed and pause")
        self.setObjectName("directionDialog")
        self.own_speed = QCheckBox("Own speed", self)
        self.speed = QDoubleSpinBox(self)
        self.speed.setRange(MIN_SPEED, MAX_SPEED)
        self.speed.setSingleStep(0.05)
        self.speed.setSuffix("×")
        self.speed.setValue(speed if speed is not None else 1.0)
        self.own_speed.setChecked(speed is not None)
        self.own_pause = QCheckBox("Own pause after it (export)", self)
        self.pause = QDoubleSpinBox(self)
        self.pause.setRange(0.0, 30.0)
        self.pause.setSingleStep(0.25)
        self.pause.setSuffix(" s")
        self.pause.setValue(pause if pause is not None else 0.5)
        self.own_pause.setChecked(pause is not None)
        for box, spin in ((self.own_speed, self.speed), (self.own_pause, self.pause)):
            spin.setEnabled(box.isChecked())
            box.toggled.connect(spin.setEnabled)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.own_speed, self.speed)
        form.addRow(self.own_pause, self.pause)
        form.addRow(buttons)

    def values(self) -> tuple[float | None, float | None]:
        return (
            self.speed.value() if self.own_speed.isChecked() else None,
            self.pause.value() if self.own_pause.isChecked() else None,
        )


def ask_direction(
    speed: float | None, pause: float | None, parent: QWidget
) -> tuple[float | None, float | None] | None:
    dialog = DirectionDialog(speed, pause, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class DirectionWindow(Protocol):
    """What "Speed and pause…" needs of the window."""

    controller: Controller
    model: SegmentTableModel

    def selected_ids(self) -> list[int]: ...

    def show_refusal(self, refusal: Refusal) -> None: ...


def set_direction_of_selected(window: DirectionWindow, ask: AskDirection, parent: QWidget) -> None:
    """Context menu → Speed and pause…: ask once (from the first selected segment's values), apply to
    every selected segment, one undo step each, and show a refusal (a locked segment's speed)."""
    ids = window.selected_ids()
    first = window.model.record(ids[0]) if ids else None
    if first is None:
        return
    answer = ask(first.speed, first.pause_after, parent)
    if answer is None:
        return
    speed, pause = answer
    for segment_id in ids:
        record = window.model.record(segment_id)
        if record is None:
            continue
        try:
            result = window.controller.segments.set_direction(
                segment_id,
                speed=KEEP if speed == record.speed else speed,
                pause_after=KEEP if pause == record.pause_after else pause,
            )
        except SettingsError as error:
            result = Refusal(segment_id, RefusalReason.INVALID, literal(str(error)))
        if isinstance(result, Refusal):
            window.show_refusal(result)


def install_direction(
    window: DirectionWindow, context_menu: QMenu, after: QAction, parent: QWidget
) -> QAction:
    """Add "Speed and pause…" to the segment context menu, after `after` (Set voice…); it acts on
    the selected segments and asks with `window.ask_direction` (replaceable, as in the tests)."""
    action = QAction("Speed and &pause…", parent)
    action.setObjectName("speedPauseAction")
    action.setToolTip("Give the selected segments their own speed, and a pause after them in an export")
    action.triggered.connect(
        lambda: set_direction_of_selected(window, getattr(window, "ask_direction", ask_direction), parent)
    )
    entries = context_menu.actions()
    index = entries.index(after) + 1 if after in entries else len(entries)
    context_menu.insertAction(entries[index] if index < len(entries) else None, action)  # type: ignore[arg-type]
    return action
