"""The main window: the segment table, the text editor and takes panel below it, menus, toolbar,
player."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.controller import Controller
from narrator_app.core.rules import Refusal, RefusalReason, is_blank
from narrator_app.core.tasks import TaskStatus
from narrator_app.ui.actions import create_actions
from narrator_app.ui.batch_status import BatchStatus, describe_result
from narrator_app.ui.cancelling import CancelNotice
from narrator_app.ui.chapter_panel import ChapterPanel
from narrator_app.ui.dialogs import ask_to_delete, dropped_text_files
from narrator_app.ui.direction_editor import TagEditor, install_direction
from narrator_app.ui.formatting import format_duration
from narrator_app.ui.help import open_log_folder, show_about
from narrator_app.ui.lexicon_dialog import install_lexicon
from narrator_app.ui.live_preview import LivePreview
from narrator_app.ui.menus import build_menus
from narrator_app.ui.message_bar import Kind, MessageBar
from narrator_app.ui.model_dialog import ModelDialog
from narrator_app.ui.play_all import PlayAll
from narrator_app.ui.playback import Playback
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.project_menu import ProjectMenu
from narrator_app.ui.segment_editor import SegmentEditor
from narrator_app.ui.segment_model import SEGMENT_ID_ROLE, Column, SegmentTableModel
from narrator_app.ui.segment_table import SegmentTable
from narrator_app.ui.segment_voice import AskVoice, VoiceDelegate, ask_voice, set_voice_of_selected
from narrator_app.ui.settings_dialog import SettingsDialog
from narrator_app.ui.takes_panel import TakesPanel, beside
from narrator_app.ui.transfers import Transfers
from narrator_app.ui.trim_dialog import install_trim, open_trim_dialog
from narrator_app.ui.undo_actions import UndoCommands
from narrator_app.ui.waveforms import WaveformCache
from narrator_app.ui.window_state import (
    restore_window_state,
    save_last_project,
    save_window_state,
)

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    project_menu: ProjectMenu  # made by build_menus (ui/menus.py)
    context_menu: QMenu

    def __init__(self, controller: Controller, player: AudioPlayer | None = None) -> None:
        super().__init__()
        self.controller = controller
        controller.setParent(self)
        # Qt appends the application display name ("— Narrator") to the title.
        self.setWindowTitle(controller.project.name)
        self.resize(1100, 680)
        self.player = player or AudioPlayer(self)
        self.playlist = PlayAll(self.player, self)
        self.live_preview = LivePreview(controller, self)  # Play on a segment without current audio
        # Asked before deleting segments that hold text; tests replace it.
        self.confirm_delete: Callable[[int], bool] = lambda count: ask_to_delete(self, count)
        # Asked by "Set voice…" for the selected segments; tests replace it.
        self.ask_voice: AskVoice = ask_voice(self)
        self.setAcceptDrops(True)
        self._failures_shown: set[str] = set()  # task ids whose failure the message bar told

        self.waveforms = WaveformCache(self)
        self.model = SegmentTableModel(controller, self, self.waveforms)
        self.commands = create_actions(self)
        self._build_widgets()
        self.playback = Playback(
            controller,
            self.model,
            self.player,
            self.playlist,
            self.live_preview,
            self.player_label,
            self.statusBar(),
            current_id=self.current_id,
            segment_name=self._segment_name,
            show_message=self.show_message,
            show_refusal=self.show_refusal,
            parent=self,
        )
        build_menus(self, self)
        self.chapter_panel.install_menus(self.menuBar(), self.project_menu.delete_action)
        install_lexicon(self)  # Audio → Lexicon…, the editor's "Pronounce as…" (ui/lexicon_dialog.py)
        self._connect()
        self._update_actions()
        restore_window_state(self, self.splitter, self.table, self.controller.data_dir)
        save_last_project(self.controller.data_dir, self.controller.project.id)  # the latest of the recent
        self._check_model()

    # -- construction -----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.message_bar = MessageBar(self)

        self.table = SegmentTable(self)
        self.table.configure(self.model, VoiceDelegate(self.table, self.controller))

        self.segment_editor = SegmentEditor(self.controller, self.model, self)
        self.editor = self.segment_editor.text
        self.tag_editor = TagEditor(self.controller, self.editor)  # tag highlighting, Insert pause…
        self.takes_panel = TakesPanel(
            self.controller, self.player, self.playlist, stop=lambda: self.playback.stop(),
            show_refusal=self.show_refusal, show_message=self.show_message, parent=self,
        )  # fmt: skip

        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(beside(self.segment_editor, self.takes_panel))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.chapter_panel = ChapterPanel(self, self)  # the chapter list beside the segments
        self.chapter_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.chapter_splitter.setObjectName("chapterSplitter")
        self.chapter_splitter.addWidget(self.chapter_panel.view)
        self.chapter_splitter.addWidget(splitter)
        self.chapter_splitter.setStretchFactor(1, 1)
        self.chapter_splitter.setSizes([220, 880])

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.chapter_splitter, 1)
        self.message_bar.float_over(self.table)  # over the table's foot: it never pushes the rows
        self.setCentralWidget(central)

        self.player_label = QLabel(self)
        self.player_label.setObjectName("playerLabel")
        self.model_progress = QProgressBar(self)
        self.model_progress.setObjectName("modelProgress")
        self.model_progress.setRange(0, 100)
        self.model_progress.setMaximumWidth(200)
        self.model_progress.setFormat("Preparing model %p%")
        self.model_progress.hide()
        self.batch_status = BatchStatus(self.controller, self)
        self.cancelling = CancelNotice(self.controller, self.statusBar(), self)
        self.statusBar().addPermanentWidget(self.batch_status)
        self.statusBar().addPermanentWidget(self.player_label)
        self.statusBar().addPermanentWidget(self.model_progress)
        self.setTabOrder(self.table, self.editor)

    def _connect(self) -> None:
        a = self.commands
        a.add.triggered.connect(self.add_segment)
        a.delete.triggered.connect(self.delete_selected)
        a.move_up.triggered.connect(
            lambda: self._edit_current(lambda i: self.controller.segments.move(i, -1))
        )
        a.move_down.triggered.connect(
            lambda: self._edit_current(lambda i: self.controller.segments.move(i, +1))
        )
        a.duplicate.triggered.connect(lambda: self._edit_current(self.controller.segments.duplicate))
        a.merge.triggered.connect(lambda: self._edit_current(self.controller.segments.merge_with_next))
        a.split.triggered.connect(
            lambda: self._edit_current(
                lambda i: self.controller.segments.split(i, self.editor.textCursor().position())
            )
        )
        a.lock.triggered.connect(self.set_selected_locked)
        a.generate.triggered.connect(self.generate_selected)
        a.generate_all.triggered.connect(lambda: self.generate_all(regenerate=False))
        a.regenerate_all.triggered.connect(lambda: self.generate_all(regenerate=True))
        a.cancel.triggered.connect(self.cancel_selected)
        a.cancel_all.triggered.connect(self.cancel_all)
        a.play.triggered.connect(self.playback.toggle)
        a.stop.triggered.connect(self.playback.stop)
        a.play_all.triggered.connect(self.playback.play_all)
        self.playlist.current_changed.connect(self.select_segment)
        a.settings.triggered.connect(self.open_settings)
        a.models.triggered.connect(self.open_models)
        a.set_voice.triggered.connect(lambda: set_voice_of_selected(self))
        self.speed_pause = install_direction(self, self.context_menu, a.set_voice, self)
        self.trim_action = install_trim(self, self, a.stop)  # Trim audio… (ui/trim_dialog.py)
        self.takes_panel.set_trim_handler(lambda segment, take: open_trim_dialog(self, self, segment, take))
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(lambda: show_about(self, self.controller.loader.availability().model))
        a.open_logs.triggered.connect(open_log_folder)
        self.transfers = Transfers(self, self)
        self.undo_commands = UndoCommands(self, self)

        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.refused.connect(self.show_refusal)
        self.model.dataChanged.connect(lambda *_: self._update_actions())
        self.model.rowsRemoved.connect(lambda *_: self._on_selection_changed())
        self.model.modelReset.connect(self._on_selection_changed)
        self.segment_editor.refused.connect(self.show_refusal)

        self.controller.task_changed.connect(self._on_task_changed)
        self.controller.project_changed.connect(self._on_project_changed)
        self.controller.segment_changed.connect(self._on_segment_changed)
        self.controller.model_progress.connect(self._on_model_progress)
        self.controller.model_prepared.connect(self._on_model_prepared)
        self.player.playing_changed.connect(lambda _playing: self._update_actions())
        self.player.error.connect(lambda message: self.show_message(message, Kind.ERROR))
        self.live_preview.playing_changed.connect(lambda _playing: self._update_actions())

    # -- selection --------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.segment_id(row) for row in rows]

    def current_id(self) -> int | None:
        ids = self.selected_ids()
        if len(ids) == 1:
            return ids[0]
        index = self.table.currentIndex()
        if index.isValid() and index.row() < self.model.rowCount():
            current = index.data(SEGMENT_ID_ROLE)
            return current if current in ids else (ids[0] if ids else None)
        return ids[0] if ids else None

    def select_segment(self, segment_id: int) -> None:
        row = self.model.row_of(segment_id)
        if row is None:
            return
        # Through the selection model: QTableView.selectRow would honour whatever keyboard
        # modifiers happen to be held, and add to the selection instead of replacing it.
        index = self.model.index(row, Column.TEXT)
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)

    def _on_selection_changed(self, *_: QItemSelection) -> None:
        self.segment_editor.save_now()
        self.segment_editor.show_segment(self.current_id())
        self.takes_panel.show_segment(self.current_id())
        self._update_actions()

    def _update_actions(self) -> None:
        ids = self.selected_ids()
        records = [r for i in ids if (r := self.model.record(i)) is not None]
        a = self.commands
        for action in (a.delete, a.lock, a.play, a.set_voice, self.speed_pause):
            action.setEnabled(bool(records))
        # Only locked rows selected: nothing to generate (the tooltip says why).
        unlocked = any(not r.is_locked for r in records)
        a.generate.setEnabled(unlocked)
        a.generate.setToolTip(
            "Generate audio for the selected segments (Ctrl+G)"
            if unlocked or not records
            else "Locked segments keep their audio: unlock them to generate it again"
        )
        for action in (a.move_up, a.move_down, a.duplicate, a.split, a.merge):
            action.setEnabled(len(records) == 1)
        a.stop.setEnabled(self.player.is_playing or self.playlist.active or self.live_preview.active)
        a.cancel.setEnabled(any(self.controller.tasks.active_for(r.id) is not None for r in records))
        a.cancel_all.setEnabled(self.controller.tasks.has_active())
        a.lock.setChecked(bool(records) and all(r.is_locked for r in records))
        a.lock.setText("Un&lock" if a.lock.isChecked() else "&Lock")
        if not self.player.available:
            a.play.setToolTip(self.player.unavailable_reason or "")

    def _on_project_changed(self) -> None:
        self.setWindowTitle(self.controller.project.name)
        self.message_bar.hide()
        self.segment_editor.show_segment(None)
        self._update_actions()
        save_last_project(self.controller.data_dir, self.controller.project.id)

    def _on_segment_changed(self, _segment_id: int) -> None:
        self._update_actions()

    # -- commands ---------------------------------------------------------------------------
    def add_segment(self) -> None:
        self.segment_editor.save_now()
        record = self.controller.segments.add("")
        self.select_segment(record.id)
        self.editor.setFocus()

    def delete_selected(self) -> None:
        self.segment_editor.save_now()
        ids = self.selected_ids()
        if not ids:
            return
        with_text = [i for i in ids if (r := self.model.record(i)) is not None and not is_blank(r.text)]
        if with_text and not self.confirm_delete(len(ids)):
            return
        label = f"Delete {len(ids)} segments" if len(ids) > 1 else "Delete segment"
        with self.controller.edits.group(label):  # one undo step
            refusals = [res for i in ids if isinstance(res := self.controller.segments.delete(i), Refusal)]
        self._report_refusals(refusals)
        deleted = len(ids) - len(refusals)
        if deleted:
            self.statusBar().showMessage(f"Deleted {deleted} segment{'s' if deleted != 1 else ''}.", 5000)

    def _edit_current(self, change: Callable[[int], object]) -> None:
        """Apply an edit to the current segment, keep it selected (or the new one), or say why not."""
        segment_id = self.current_id()
        if segment_id is None:
            return
        self.segment_editor.save_now()
        result = change(segment_id)
        if isinstance(result, Refusal):
            self.show_refusal(result)
            return
        # Split gives (first, second): select the second; the others give the record to select.
        target = result[-1] if isinstance(result, tuple) else result
        self.select_segment(getattr(target, "id", segment_id))

    def set_selected_locked(self, locked: bool) -> None:
        self.segment_editor.save_now()
        ids = self.selected_ids()
        word = "Lock" if locked else "Unlock"
        with self.controller.edits.group(
            f"{word} {len(ids)} segments" if len(ids) > 1 else f"{word} segment"
        ):
            for segment_id in ids:
                self.controller.segments.update(segment_id, locked=locked)
        self.segment_editor.show_segment(self.current_id())
        self._update_actions()

    def generate_selected(self) -> None:
        """Queue every selected segment; refusals are shown in the message bar."""
        self.segment_editor.save_now()
        ids = self.selected_ids()
        if not ids:
            self.show_message("Select a segment to generate its audio.", Kind.INFO)
            return
        # An old message goes now, before queueing: a job can fail (and say so) before this returns.
        self.message_bar.hide()
        refusals: list[Refusal] = []
        queued = 0
        for segment_id in ids:
            result = self.controller.generation.generate_audio(segment_id)
            if isinstance(result, Refusal):
                refusals.append(result)
            else:
                queued += 1
        if queued:
            self.statusBar().showMessage(f"Queued {queued} segment{'s' if queued != 1 else ''}.", 5000)
        self._report_refusals(refusals)

    def generate_all(self, *, regenerate: bool = False) -> None:
        self.segment_editor.save_now()
        result = self.controller.generation.generate_all(regenerate=regenerate)
        if isinstance(result, Refusal):
            self._report_refusals([result])
            return
        if not result.queued:
            self.statusBar().showMessage(describe_result(result, None), 8000)
        self._update_actions()

    def cancel_selected(self) -> None:
        self.cancelling.cancel_segments(self.selected_ids())

    def cancel_all(self) -> None:
        self.cancelling.cancel_all()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_text_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_text_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.transfers.import_files(paths)

    def open_settings(self) -> None:
        SettingsDialog(self.controller, self, more_voices=self.open_models).exec()

    def open_models(self) -> None:
        """Model & voices… (non-modal: an install or a preview runs while the window stays usable)."""
        dialog = getattr(self, "model_dialog", None)
        if dialog is None:
            dialog = self.model_dialog = ModelDialog(self.controller, self.player, self)
        else:
            dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    # -- feedback ---------------------------------------------------------------------------
    def show_message(self, text: str, kind: Kind = Kind.INFO) -> None:
        self.message_bar.show_message(text, kind)

    def show_model_problem(self, text: str, kind: Kind = Kind.WARNING) -> None:
        """A missing or damaged model, with a button that opens Model & voices…."""
        self.message_bar.show_message(text, kind, self.commands.models)

    def show_refusal(self, refusal: Refusal) -> None:
        self._report_refusals([refusal])

    def _segment_name(self, segment_id: int | None) -> str:
        """How the window names a segment: by its row number, as the user sees it."""
        record = None if segment_id is None else self.model.record(segment_id)
        return f"Segment {record.position + 1}" if record is not None else "This segment"

    def _report_refusals(self, refusals: list[Refusal]) -> None:
        if not refusals:
            return
        texts = [r.describe(self._segment_name(r.segment_id)) for r in refusals]
        if any(r.reason is RefusalReason.MODEL_MISSING for r in refusals):
            self.show_model_problem(texts[-1] if len(set(texts)) == 1 else "\n".join(dict.fromkeys(texts)))
            return
        if len(refusals) == 1:
            self.show_message(texts[0], Kind.WARNING)
            return
        lines = "\n".join(f"• {text}" for text in texts[:5])
        more = f"\n… and {len(refusals) - 5} more." if len(refusals) > 5 else ""
        self.show_message(f"{len(refusals)} segments were not processed:\n{lines}{more}", Kind.WARNING)

    def _on_task_changed(self, task_id: str, segment_id: int) -> None:
        info = self.controller.generation.task(task_id)
        self._update_actions()
        if info is None or self.model.row_of(segment_id) is None:
            return  # a job of another project: its row is not shown here
        name = self._segment_name(segment_id)
        if info.status is TaskStatus.COMPLETED and info.audio_duration is not None:
            record = self.model.record(segment_id)  # as heard: an auto-trim may have cut its ends
            heard = info.audio_duration if record is None else self.model.heard_duration(record)
            self.statusBar().showMessage(f"{name} is ready ({format_duration(heard or 0.0)}).", 8000)
            if (
                self.playback.preview_note == (segment_id, self.message_bar.text)
                and not self.message_bar.isHidden()
            ):
                self.message_bar.hide()  # "play it once it is ready": it is
        elif info.status is TaskStatus.FAILED and task_id not in self._failures_shown:
            # Once: a late signal of the same task (statuses are read when signals arrive) must not
            # cover what was said after it, e.g. that an export was not started.
            self._failures_shown.add(task_id)
            self.show_message(f"{name}: {info.message}", Kind.ERROR)

    # -- model files ------------------------------------------------------------------------
    def _check_model(self) -> None:
        found = self.controller.loader.availability()
        if not found.available:
            self.show_model_problem(found.problem)
        elif self.controller.generation.prepare_model(load=True):
            self.model_progress.setValue(0)
            self.model_progress.show()
            self.statusBar().showMessage("Preparing the bundled Kokoro model…")

    def _on_model_progress(self, fraction: float) -> None:
        self.model_progress.setValue(round(fraction * 100))

    def _on_model_prepared(self, problem: str) -> None:
        if problem:
            self.show_model_problem(problem, Kind.ERROR)
        elif self.message_bar.isVisible() and self.message_bar.button.isVisible():
            self.message_bar.hide()  # the model problem shown is solved
        if not problem and self.model_progress.isVisible():
            self.statusBar().showMessage("The Kokoro model is ready.", 5000)
        self.model_progress.hide()

    def _on_double_click(self, index: QModelIndex) -> None:
        """The Voice column opens its editor; elsewhere the text editor below takes the focus."""
        if index.column() == Column.VOICE and index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.table.edit(index)
        else:
            self.editor.setFocus()

    def _show_context_menu(self, pos: QPoint) -> None:
        """Right-click acts on the row under the mouse (keeping a selection that includes it)."""
        index: QModelIndex = self.table.indexAt(pos)
        selected_rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        if index.isValid() and index.row() not in selected_rows:
            self.select_segment(self.model.segment_id(index.row()))
        self.context_menu.popup(self.table.viewport().mapToGlobal(pos))

    # -- closing ----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        save_window_state(self, self.splitter, self.table, self.controller.data_dir)
        self.segment_editor.save_now()
        self.playlist.stop()
        self.live_preview.shutdown()
        self.player.shutdown()
        self.hide()  # do not look frozen while a running job stops at its next chunk
        self.controller.shutdown()
        self.waveforms.wait(5_000)
        self.transfers.background.wait(5_000)  # a file being read for import
        self.transfers.books.wait(5_000)  # a book being read (aborted at its next chapter)
        event.accept()
