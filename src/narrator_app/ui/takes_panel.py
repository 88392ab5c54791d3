"""The takes panel beside the text editor: the selected segment's renders, to play, compare (A/B),
choose ("Use this take") and delete. Using and deleting go through `controller.takes`, so each is one
step of Edit → Undo. The trim dialog is not here: `set_trim_handler` shows a "Trim…" button that
hands (segment id, take number) to whoever trims."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import TakeRecord
from narrator_app.app.controller import Controller
from narrator_app.core.rules import AudioStatus, Refusal
from narrator_app.ui.dialogs import ask_yes
from narrator_app.ui.formatting import format_duration
from narrator_app.ui.play_all import PlayAll, QueueItem
from narrator_app.ui.player import AudioPlayer

NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
HEADERS = ("Take", "Length", "Voice", "Speed", "Made", "State")
AB_PAUSE_S = 0.6  # between A and B: long enough to hear where one ends
NO_SEGMENT = "Select a segment to see its takes."
NO_TAKES = "No takes yet: Generate audio makes one (Ctrl+G). Every render is kept as a take."


def age(made: datetime, now: datetime | None = None) -> str:
    """'just now', '3 min ago', '2 h ago', 'yesterday', '4 days ago', or the date."""
    made = made if made.tzinfo is not None else made.replace(tzinfo=UTC)
    seconds = ((now or datetime.now(UTC)) - made).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86_400)
    if days < 7:
        return "yesterday" if days == 1 else f"{days} days ago"
    return made.astimezone().strftime("%Y-%m-%d")


def ask_to_delete_take(parent: QWidget, number: int) -> bool:
    return ask_yes(
        parent,
        "Delete take",
        f"Delete take {number} and its audio? Undo (Ctrl+Z) brings it back.",
        yes_by_default=False,
    )


def beside(editor: QWidget, panel: QWidget) -> QSplitter:
    """The row under the segment table: the text editor, and the takes panel on its right."""
    row = QSplitter(Qt.Orientation.Horizontal, editor.parentWidget())
    row.setObjectName("editorSplitter")
    row.addWidget(editor)
    row.addWidget(panel)
    row.setStretchFactor(0, 3)
    row.setStretchFactor(1, 2)
    # Where the window's width is first shared out: the panel's six columns need about 400 px to
    # be read without scrolling (a share by stretch alone left it 310 px of a 1300 px window).
    row.setSizes([560, 440])
    return row


class TakesPanel(QWidget):
    trim_requested = Signal(int, int)  # segment id, take number ("Trim…")

    def __init__(
        self,
        controller: Controller,
        player: AudioPlayer,
        playlist: PlayAll,
        *,
        stop: Callable[[], None],
        show_refusal: Callable[[Refusal], None],
        show_message: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("takesPanel")
        self._controller = controller
        self._player = player
        self._playlist = playlist
        self._stop = stop  # everything that plays (the window's Stop)
        self._show_refusal = show_refusal
        self._show_message = show_message
        # Asked before deleting a take; tests replace it.
        self.confirm_delete: Callable[[int], bool] = lambda number: ask_to_delete_take(self, number)
        self.segment_id: int | None = None
        self.takes: list[TakeRecord] = []
        self._locked = False

        self.title = QLabel(self)
        self.title.setObjectName("takesTitle")
        self.list = QTreeWidget(self)
        self.list.setObjectName("takesList")
        self.list.setAccessibleName("Takes")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setHeaderLabels(list(HEADERS))
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.title.setBuddy(self.list)
        self.empty = QLabel(NO_SEGMENT, self)
        self.empty.setObjectName("takesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)  # drawn greyed, as a hint

        self.play_button = QPushButton("&Play", self)
        self.ab_button = QPushButton("Play A/&B", self)  # Alt+A is the Audio menu
        self.ab_button.setToolTip("Play the two selected takes one after the other (select two rows)")
        self.use_button = QPushButton("&Use this take", self)
        self.delete_button = QPushButton("Delete…", self)
        self.trim_button = QPushButton("Trim…", self)
        self.trim_button.hide()  # shown by set_trim_handler
        # Two rows (listening; choosing and editing), so that the panel beside the editor stays
        # narrow enough for the window to fit a small screen.
        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for column, button in enumerate((self.play_button, self.ab_button, self.trim_button)):
            buttons.addWidget(button, 0, column)
        for column, button in enumerate((self.use_button, self.delete_button)):
            buttons.addWidget(button, 1, column)
        buttons.setColumnStretch(3, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)

        self.play_button.clicked.connect(self.play_selected)
        self.ab_button.clicked.connect(self.play_ab)
        self.use_button.clicked.connect(self.use_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.trim_button.clicked.connect(self._on_trim)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(lambda *_: self.play_selected())
        controller.segment_changed.connect(self._on_segment_changed)
        controller.settings_changed.connect(self.refresh)  # which takes are outdated
        controller.project_changed.connect(lambda: self.show_segment(None))
        player.playing_changed.connect(lambda _playing: self._update_buttons())
        self._ages = QTimer(self)  # "3 min ago" moves on; no query, the takes are kept
        self._ages.setInterval(30_000)
        self._ages.timeout.connect(self._update_ages)
        self._ages.start()
        self.show_segment(None)

    # -- what is shown ----------------------------------------------------------------------
    def show_segment(self, segment_id: int | None) -> None:
        if segment_id != self.segment_id:
            self.list.clearSelection()
        self.segment_id = segment_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read the segment's takes, keeping the selected take numbers selected."""
        record = None if self.segment_id is None else self._controller.segments.get(self.segment_id)
        found = [] if record is None else self._controller.takes.list(record.id)
        self.takes = [] if isinstance(found, Refusal) else found
        self._locked = record is not None and record.is_locked
        selected = set(self.selected_numbers())
        self.list.clear()
        for take in self.takes:
            status, why = (AudioStatus.NONE, "")
            if record is not None:
                as_segment = replace(
                    record,
                    audio_file=take.audio_file,
                    audio_duration=take.duration,
                    audio_fingerprint=take.fingerprint,
                )
                status, why = self._controller.generation.audio_status(as_segment)
            item = self._item(take, status, why)
            self.list.addTopLevelItem(item)
            item.setSelected(take.number in selected)
        if record is None:
            self.title.setText("Takes")
        else:
            count = len(self.takes)
            self.title.setText(f"&Takes of segment {record.position + 1}" + (f" ({count})" if count else ""))
        self.empty.setText(NO_SEGMENT if record is None else NO_TAKES)
        self.list.setVisible(bool(self.takes))
        self.empty.setVisible(not self.takes)
        self._update_buttons()

    def _item(self, take: TakeRecord, status: AudioStatus, why: str) -> QTreeWidgetItem:
        length = format_duration(take.trimmed_duration)
        trimmed = take.trim_start > 0 or take.trim_end > 0
        note = "in use" if take.current else ""
        if status is AudioStatus.OUTDATED:
            note = f"{note} · outdated" if note else "outdated"
        elif status is AudioStatus.DAMAGED:
            note = f"{note} · damaged" if note else "damaged"
        item = QTreeWidgetItem(
            [
                str(take.number),
                length + (" ✂" if trimmed else ""),
                take.voice or "",
                f"{take.speed:g}×" if take.speed is not None else "",
                age(take.created_at),
                note,
            ]
        )
        item.setData(0, NUMBER_ROLE, take.number)
        item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        made = take.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        tips = [f"Take {take.number}, made {made}"]
        if trimmed:
            tips.append(
                f"Heard {length} of {format_duration(take.duration)}: trimmed "
                f"{take.trim_start:g} s at the start, {take.trim_end:g} s at the end."
            )
        tips.append("The segment's audio now." if take.current else "Use this take to make it the audio.")
        if why:
            tips.append(why)
        for column in range(len(HEADERS)):
            item.setToolTip(column, "\n".join(tips))
        if take.current:
            font = QFont(self.list.font())
            font.setBold(True)
            for column in range(len(HEADERS)):
                item.setFont(column, font)
            style = QApplication.style()
            if style is not None:
                item.setIcon(0, style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
        return item

    def _update_ages(self) -> None:
        for row, take in enumerate(self.takes):
            item = self.list.topLevelItem(row)
            if item is not None:
                item.setText(4, age(take.created_at))

    def selected_numbers(self) -> list[int]:
        """The selected take numbers, in list order (oldest first)."""
        rows = [self.list.indexOfTopLevelItem(item) for item in self.list.selectedItems()]
        return [self.takes[row].number for row in sorted(rows) if 0 <= row < len(self.takes)]

    def select(self, *numbers: int) -> None:
        self.list.clearSelection()
        for row, take in enumerate(self.takes):
            item = self.list.topLevelItem(row)
            if item is not None and take.number in numbers:
                item.setSelected(True)
                self.list.setCurrentItem(item, 0, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _take(self, number: int) -> TakeRecord | None:
        return next((t for t in self.takes if t.number == number), None)

    def _update_buttons(self) -> None:
        numbers = self.selected_numbers()
        one = self._take(numbers[0]) if len(numbers) == 1 else None
        playing = self._player.is_playing or self._playlist.active
        self.play_button.setText("Stop" if playing else "&Play")
        self.play_button.setEnabled(playing or bool(numbers))
        self.ab_button.setEnabled(len(numbers) == 2)
        self.use_button.setEnabled(one is not None and not one.current and not self._locked)
        self.use_button.setToolTip(
            "The segment is locked: unlock it to choose a take"
            if self._locked
            else "Make the selected take the segment's audio (Edit → Undo goes back)"
        )
        deletable = one is not None and (not one.current or len(self.takes) == 1)
        self.delete_button.setEnabled(deletable)
        self.delete_button.setToolTip(
            "The take in use stays while there are others: use another take first"
            if one is not None and not deletable
            else "Delete the selected take (Edit → Undo brings it back)"
        )
        self.trim_button.setEnabled(one is not None and not self._locked)

    # -- commands ---------------------------------------------------------------------------
    def play_selected(self) -> None:
        """Play the selected take (the first one of several) as it is heard, trimmed; Stop if playing."""
        if self._player.is_playing or self._playlist.active:
            self._stop()
            return
        numbers = self.selected_numbers()
        take = self._take(numbers[0]) if numbers else None
        if take is None:
            return
        self._stop()
        problem = self._player.play(
            self._controller.takes.path(take), take.segment_id, (take.trim_start, take.trim_end)
        )
        if problem:
            self._show_message(problem)

    def play_ab(self) -> None:
        """The two selected takes one after the other, the older first."""
        takes = [t for n in self.selected_numbers() if (t := self._take(n)) is not None]
        if len(takes) != 2:
            self._show_message("Select two takes to compare them (Ctrl+click the second one).")
            return
        self._stop()
        queue: list[QueueItem] = [
            (t.segment_id, self._controller.takes.path(t), (t.trim_start, t.trim_end)) for t in takes
        ]
        problem = self._playlist.start(queue, pause_s=AB_PAUSE_S)
        if problem:
            self._show_message(problem)

    def use_selected(self) -> None:
        numbers = self.selected_numbers()
        if self.segment_id is None or len(numbers) != 1:
            return
        result = self._controller.takes.use(self.segment_id, numbers[0])
        if isinstance(result, Refusal):
            self._show_refusal(result)

    def delete_selected(self) -> None:
        numbers = self.selected_numbers()
        if self.segment_id is None or len(numbers) != 1 or not self.confirm_delete(numbers[0]):
            return
        result = self._controller.takes.delete(self.segment_id, numbers[0])
        if isinstance(result, Refusal):
            self._show_refusal(result)

    def set_trim_handler(self, handler: Callable[[int, int], object]) -> None:
        """Show "Trim…": it calls `handler(segment id, take number)` for the selected take."""
        self.trim_requested.connect(handler)
        self.trim_button.show()

    def _on_trim(self) -> None:
        numbers = self.selected_numbers()
        if self.segment_id is not None and len(numbers) == 1:
            self.trim_requested.emit(self.segment_id, numbers[0])

    def _on_segment_changed(self, segment_id: int) -> None:
        if segment_id == self.segment_id:
            self.refresh()
