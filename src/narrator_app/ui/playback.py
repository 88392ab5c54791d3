"""Play, Stop and Play all: the player, the play-all queue and the live preview driven from the
window's actions, and the label that says what plays."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from narrator_app.app.controller import Controller
from narrator_app.core.rules import Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.ui.formatting import format_duration
from narrator_app.ui.live_preview import LivePreview
from narrator_app.ui.message_bar import Kind
from narrator_app.ui.play_all import PlayAll, QueueItem
from narrator_app.ui.player import NO_TRIM, AudioPlayer
from narrator_app.ui.segment_model import SegmentTableModel


class Playback(QObject):
    def __init__(
        self,
        controller: Controller,
        model: SegmentTableModel,
        player: AudioPlayer,
        playlist: PlayAll,
        live_preview: LivePreview,
        label: QLabel,
        status_bar: QStatusBar,
        *,
        current_id: Callable[[], int | None],
        segment_name: Callable[[int | None], str],
        show_message: Callable[[str, Kind], None],
        show_refusal: Callable[[Refusal], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model = model
        self.player = player
        self.playlist = playlist
        self.live_preview = live_preview
        self._label = label
        self._status_bar = status_bar
        self._current_id = current_id
        self._segment_name = segment_name
        self._show_message = show_message
        self._show_refusal = show_refusal
        # (segment, message) the window said about a live preview ("play it once it is ready").
        self.preview_note: tuple[int | None, str] | None = None
        self._play_when_ready: int | None = None  # a segment to play once its audio is rendered
        controller.task_changed.connect(self._on_task_changed)
        player.playing_changed.connect(lambda _playing: self.update_label())
        player.position_changed.connect(lambda _ms: self.update_label())
        live_preview.playing_changed.connect(lambda _playing: self.update_label())
        live_preview.position_changed.connect(lambda _ms: self.update_label())
        live_preview.message.connect(self._on_live_preview_message)

    @property
    def active(self) -> bool:
        return self.player.is_playing or self.playlist.active or self.live_preview.active

    def play_all(self) -> None:
        items = self._controller.exports.plan().items
        queue: list[QueueItem] = [(i.segment_id, i.audio_path, (i.start, i.end)) for i in items]
        self.live_preview.stop()
        problem = self.playlist.start(queue)
        if problem:
            self._show_message(problem, Kind.INFO)

    def stop(self) -> None:
        self.playlist.stop()
        self.player.stop()
        segment_id = self.live_preview.segment_id
        if self.live_preview.stop() and segment_id and self._controller.tasks.active_for(segment_id):
            self._status_bar.showMessage(
                f"Stopped playing; {self._segment_name(segment_id)} is still being generated "
                "(Cancel stops that).",
                8000,
            )

    def toggle(self) -> None:
        if self.active:
            self.stop()
            return
        segment_id = self._current_id()
        record = None if segment_id is None else self._model.record(segment_id)
        if record is None:
            self._show_message("Select a segment to play.", Kind.INFO)
            return
        if self.player.available and self.live_preview.wants(record):  # play as it is generated
            self.player.stop()
            result = self.live_preview.play(record)
            if isinstance(result, Refusal):
                self._show_refusal(result)
            elif result:
                self.preview_note = (record.id, result)
                self._play_when_ready = record.id
                self._show_message(result, Kind.WARNING)
            return
        path = self._controller.segments.audio_path(record)
        if path is None:
            self._show_message(
                f"Segment {record.position + 1} has no audio yet: generate it first (Ctrl+G).", Kind.INFO
            )
            return
        problem = self.player.play(path, record.id, self._model.trim(record.id))
        if problem:
            self._show_message(problem, Kind.WARNING)
        elif silent := self.player.output_problem():
            self._show_message(
                f"Segment {record.position + 1} cannot be heard: {silent}. Connect speakers or "
                "headphones (or choose an output in the system's sound settings), then press Play again.",
                Kind.WARNING,
            )

    def _on_live_preview_message(self, text: str) -> None:
        self.preview_note = (self.live_preview.segment_id, text)  # None once the output failed
        self._play_when_ready = self.live_preview.failed_segment_id
        self._show_message(text, Kind.WARNING)

    def _on_task_changed(self, task_id: str, segment_id: int) -> None:
        """ "It plays once it is ready": a segment that could not be heard as it rendered is played
        from its file when its audio is done (if there is an output to hear it on)."""
        if segment_id != self._play_when_ready:
            return
        info = self._controller.generation.task(task_id)
        if info is None or info.status.is_active:
            return
        self._play_when_ready = None
        record = self._model.record(segment_id)
        path = None if record is None else self._controller.segments.audio_path(record)
        if info.status is TaskStatus.COMPLETED and path is not None and self.player.output_problem() is None:
            if not self.active:  # as heard: an auto-trim on render may have cut its ends
                self.player.play(path, segment_id, self._controller.takes.trims().get(segment_id, NO_TRIM))

    def update_label(self) -> None:
        if self.live_preview.active:
            self._label.setText(
                self.live_preview.label_text(self._segment_name(self.live_preview.segment_id))
            )
            return
        segment_id = self.player.segment_id
        record = None if segment_id is None else self._model.record(segment_id)
        if not self.player.is_playing or record is None:
            self._label.setText("")
            return
        heard = self.player.heard_length_ms  # the trimmed take, or another take than the current one
        total = format_duration((record.audio_duration or 0.0) if heard is None else heard / 1000)
        now = format_duration(self.player.heard_position_ms / 1000)
        silent = "  (no audio output)" if self.player.output_problem() else ""
        self._label.setText(f"▶ Segment {record.position + 1}  {now} / {total}{silent}")
