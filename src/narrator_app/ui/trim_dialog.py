"""Trim audio…: cut the start and the end of a segment's take when it is heard (the file is never
changed), on the take's waveform with two handles, with a preview of the part kept.

The waveform and the silence at the ends are read on a worker thread: a long take never freezes the
window. OK is one undo step (controller.takes.trim); Cancel changes nothing. The segment context
menu opens it for the current take (`install_trim`); `open_trim_dialog` opens it for any take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import TakeRecord, compute_peaks, silence_trim
from narrator_app.app.controller import Controller
from narrator_app.app.workers import Deadline, Worker, WorkerRegistry, WorkerSignals, WorkerState
from narrator_app.core.rules import Refusal
from narrator_app.ui.formatting import one_line
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.segment_model import SegmentTableModel
from narrator_app.ui.segment_table import SegmentTable
from narrator_app.ui.trim_waveform import Handle, TrimWaveform

PEAK_BINS = 600  # slices of the take drawn across the dialog
SILENCE_MARGIN_S = 0.15  # "Trim silence" keeps this much of it at each end (unless the project says)


@dataclass(frozen=True)
class TakeAudio:
    peaks: tuple[float, ...]
    silence: tuple[float, float]  # the trim that cuts the silence at the ends


def _read_take(path: Path, margin: float) -> Callable[[WorkerState], TakeAudio]:
    def run(_state: WorkerState) -> TakeAudio:
        return TakeAudio(compute_peaks(path, PEAK_BINS), silence_trim(path, margin))

    return run


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


class TrimDialog(QDialog):
    def __init__(
        self,
        controller: Controller,
        player: AudioPlayer,
        segment_id: int,
        *,
        number: int | None = None,
        segment_name: str = "This segment",
        parent: QWidget | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        # The window's pool: a dialog closed while a long take is read is deleted without waiting.
        self._pool = pool if pool is not None else QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.setObjectName("trimDialog")
        self.setWindowTitle(f"Trim audio — {segment_name}")
        self.controller, self.player = controller, player
        self.segment_id, self.segment_name = segment_id, segment_name
        self.result_take: TakeRecord | None = None  # the take as OK left it
        self.take = self._find_take(number)
        self._initial = (0.0, 0.0) if self.take is None else (self.take.trim_start, self.take.trim_end)
        self._silence: tuple[float, float] | None = None
        self._previewing = False
        self._syncing = False
        self._build()
        self.player.playing_changed.connect(self._on_playing)
        self.player.position_changed.connect(self._on_position)
        if self.take is not None:
            self.waveform.set_duration(self.take.duration)
            self.waveform.set_cuts(*self._initial)
            self._read_audio(controller.takes.path(self.take))
        self._sync()

    def _find_take(self, number: int | None) -> TakeRecord | None:
        takes = self.controller.takes.list(self.segment_id)
        if isinstance(takes, Refusal):
            return None
        wanted = [t for t in takes if (t.current if number is None else t.number == number)]
        self._take_count = len(takes)
        return wanted[0] if wanted else None

    # -- widgets ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        record = self.controller.segments.get(self.segment_id)
        text = QLabel(f"“{one_line(record.text, 140)}”" if record is not None else "", self)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.take_label = QLabel(self._describe_take(), self)
        self.take_label.setObjectName("trimTakeLabel")
        layout.addWidget(self.take_label)

        self.waveform = TrimWaveform(self)
        self.waveform.changed.connect(lambda *_: self._sync())
        layout.addWidget(self.waveform, 1)

        grid = QGridLayout()
        self.start_spin = self._spin("trimStartSpin", "Seconds cut from the take's start")
        self.end_spin = self._spin("trimEndSpin", "Seconds cut from the take's end")
        self.start_spin.valueChanged.connect(lambda value: self._spin_moved(Handle.START, value))
        self.end_spin.valueChanged.connect(lambda value: self._spin_moved(Handle.END, value))
        for column, (caption, spin) in enumerate(
            (("Cut from the &start:", self.start_spin), ("Cut from the &end:", self.end_spin))
        ):
            label = QLabel(caption, self)
            label.setBuddy(spin)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(spin, 0, column * 2 + 1)
        self.kept_label = QLabel(self)
        self.kept_label.setObjectName("trimKeptLabel")
        grid.addWidget(self.kept_label, 0, 4)
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)

        row = QHBoxLayout()
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.setObjectName("trimPreviewButton")
        self.preview_button.setToolTip("Play only the part that is kept")
        self.preview_button.clicked.connect(self.toggle_preview)
        if not self.player.available:
            self.preview_button.setEnabled(False)
            self.preview_button.setToolTip(self.player.unavailable_reason or "")
        self.silence_button = QPushButton("Trim si&lence", self)
        self.silence_button.setObjectName("trimSilenceButton")
        self.silence_button.setToolTip(
            f"Cut the silence at both ends, keeping {_seconds(self._silence_margin())} of it"
        )
        self.silence_button.setEnabled(False)  # once the audio has been read
        self.silence_button.clicked.connect(self.trim_silence)
        self.reset_button = QPushButton("&Reset", self)
        self.reset_button.setObjectName("trimResetButton")
        self.reset_button.setToolTip("Hear the whole take again (nothing cut)")
        self.reset_button.clicked.connect(self.reset)
        for button in (self.preview_button, self.silence_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

        self.status = QLabel(self)
        self.status.setObjectName("trimStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.take is None:
            self.status.setText(f"{self.segment_name} has no audio to trim: generate it first.")
            for widget in (self.buttons.button(QDialogButtonBox.StandardButton.Ok), self.preview_button):
                widget.setEnabled(False)
            self.waveform.set_peaks(None, "No audio")
        self.resize(760, 380)
        self.waveform.setFocus()

    def _spin(self, name: str, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(name)
        spin.setToolTip(tip)
        spin.setAccessibleName(tip)
        spin.setDecimals(3)
        spin.setSingleStep(0.01)
        spin.setSuffix(" s")
        spin.setKeyboardTracking(False)  # typing "1.5" moves the handle once, not to 1 first
        return spin

    def _describe_take(self) -> str:
        take = self.take
        if take is None:
            return ""
        made = f", made with {take.voice}" if take.voice else ""
        return f"Take {take.number} of {self._take_count}: {_seconds(take.duration)}{made}"

    def _silence_margin(self) -> float:
        margin = self.controller.takes.settings()[1]
        return SILENCE_MARGIN_S if margin is None else margin

    # -- the audio, read off the UI thread --------------------------------------------------
    def _read_audio(self, path: Path) -> None:
        self._registry = WorkerRegistry()
        signals = WorkerSignals(self)
        signals.returned.connect(self._on_audio)
        signals.errored.connect(self._on_audio_failed)
        work = _read_take(path, self._silence_margin())
        Worker(work, signals, registry=self._registry, name="trim waveform").start(self._pool)

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the waveform to be read (tests; closing)."""
        registry = getattr(self, "_registry", None)
        return registry is None or registry.wait(Deadline(timeout_ms))

    def _on_audio(self, audio: TakeAudio) -> None:
        self.waveform.set_peaks(audio.peaks)
        self._silence = audio.silence
        self.silence_button.setEnabled(True)

    def _on_audio_failed(self, error: Exception) -> None:
        self.waveform.set_peaks(None, "The audio could not be read")
        self.status.setText(f"The take's audio could not be read ({error}); its trim can still be set.")

    # -- handles and spin boxes -------------------------------------------------------------
    def _spin_moved(self, handle: Handle, value: float) -> None:
        if not self._syncing:
            self.waveform.move_handle(handle, value)  # stops short of the other handle
            self._sync()

    def _sync(self) -> None:
        """Spin boxes, their limits and the duration heard, from the handles."""
        start, end = self.waveform.cuts
        self._syncing = True
        for handle, spin, value in ((Handle.START, self.start_spin, start), (Handle.END, self.end_spin, end)):
            spin.setMaximum(self.waveform.max_cut(handle))
            spin.setValue(value)
        self._syncing = False
        duration = self.waveform.duration
        kept = max(0.0, duration - start - end)
        self.kept_label.setText(
            f"Heard: {start:.2f} – {duration - end:.2f} s, {_seconds(kept)} of {_seconds(duration)}"
            if self.take is not None
            else ""
        )

    def set_cuts(self, start: float, end: float) -> None:
        self.waveform.set_cuts(start, end)
        self._sync()

    def reset(self) -> None:
        self.set_cuts(0.0, 0.0)
        self.status.setText("The whole take is heard.")

    def trim_silence(self) -> None:
        if self._silence is None:
            return
        if self._silence == (0.0, 0.0):
            self.status.setText(
                f"No silence longer than {_seconds(self._silence_margin())} at either end: nothing to cut."
            )
            return
        self.set_cuts(*self._silence)
        start, end = self.waveform.cuts
        self.status.setText(
            f"Silence cut: {_seconds(start)} from the start, {_seconds(end)} from the end "
            f"({_seconds(self._silence_margin())} of it kept at each end)."
        )

    # -- preview ----------------------------------------------------------------------------
    def toggle_preview(self) -> None:
        if self._previewing:
            self.stop_preview()
            return
        if self.take is None:
            return
        start, end = self.waveform.cuts
        until = self.waveform.duration - end
        problem = self.player.play(self.controller.takes.path(self.take), self.segment_id, (start, end))
        if problem:
            self.status.setText(problem)
            return
        self._previewing = True
        self.preview_button.setText("&Stop")
        span = f"{start:.2f} – {until:.2f} s"
        if silent := self.player.output_problem():
            self.status.setText(
                f"Playing {span}, but it cannot be heard: {silent}. Connect speakers or headphones "
                "(or choose an output in the system's sound settings), then press Preview again."
            )
        else:
            self.status.setText(f"Playing {span}.")

    def stop_preview(self) -> None:
        if self._previewing:
            self.player.stop()
            self._preview_ended()

    def _preview_ended(self) -> None:
        self._previewing = False
        self.preview_button.setText("&Preview")
        self.waveform.set_playhead(None)
        if self.status.text().startswith("Playing "):
            self.status.clear()

    def _on_playing(self, playing: bool) -> None:
        # Queued: by now the player may be playing again (a new preview started): not an end then.
        if self._previewing and not playing and not self.player.is_playing:
            self._preview_ended()

    def _on_position(self, ms: int) -> None:
        if self._previewing:
            self.waveform.set_playhead(ms / 1000)

    # -- OK and Cancel ----------------------------------------------------------------------
    def accept(self) -> None:
        if self.take is None:
            return
        start, end = self.waveform.cuts
        if (start, end) != self._initial:
            result = self.controller.takes.trim(self.segment_id, start, end, self.take.number)
            if isinstance(result, Refusal):
                self.status.setText(result.describe(self.segment_name))
                return  # stays open: the refusal is read, nothing lost
            self.result_take = result
        self.stop_preview()
        super().accept()

    def reject(self) -> None:
        self.stop_preview()
        super().reject()


class TrimWindow(Protocol):
    controller: Controller
    player: AudioPlayer
    model: SegmentTableModel
    table: SegmentTable
    context_menu: QMenu

    def selected_ids(self) -> list[int]: ...

    def current_id(self) -> int | None: ...


def open_trim_dialog(
    window: TrimWindow, parent: QMainWindow, segment_id: int | None = None, number: int | None = None
) -> TrimDialog | None:
    """Open Trim audio… for a take of a segment (the current take of the current segment by
    default); window-modal, not blocking. The status bar says what OK did."""
    segment_id = window.current_id() if segment_id is None else segment_id
    record = None if segment_id is None else window.model.record(segment_id)
    if record is None:
        return None
    name = f"Segment {record.position + 1}"
    pool = parent.findChild(QThreadPool, "trimPool")
    if pool is None:
        pool = QThreadPool(parent)
        pool.setObjectName("trimPool")
        pool.setMaxThreadCount(1)
    old = getattr(window, "trim_dialog", None)
    if old is not None:
        old.deleteLater()  # the one opened before (kept until now for tests and screenshots)
    dialog = TrimDialog(
        window.controller,
        window.player,
        record.id,
        number=number,
        segment_name=name,
        parent=parent,
        pool=pool,
    )

    def done() -> None:
        take = dialog.result_take
        if take is not None:
            cut = "nothing cut" if take.trimmed_duration == take.duration else "trimmed"
            parent.statusBar().showMessage(
                f"{name}: {cut}, {_seconds(take.trimmed_duration)} heard of {_seconds(take.duration)}.",
                8000,
            )

    dialog.accepted.connect(done)
    setattr(window, "trim_dialog", dialog)  # noqa: B010 (tests and screenshots reach it here)
    dialog.open()
    return dialog


def install_trim(window: TrimWindow, parent: QMainWindow, after: QAction) -> QAction:
    """ "Trim audio…" in the segment context menu after `after`, enabled when one segment with audio
    is selected."""
    action = QAction("&Trim audio…", parent)
    action.setObjectName("trimAudioAction")
    action.setToolTip("Cut the start and the end of the segment's audio (the take is kept whole)")
    action.triggered.connect(lambda: open_trim_dialog(window, parent))
    entries = window.context_menu.actions()
    index = entries.index(after) + 1 if after in entries else len(entries)
    window.context_menu.insertAction(entries[index] if index < len(entries) else None, action)  # type: ignore[arg-type]

    def refresh(*_: object) -> None:
        ids = window.selected_ids()
        record = window.model.record(ids[0]) if len(ids) == 1 else None
        action.setEnabled(record is not None and record.has_audio)
        action.setToolTip(
            "Cut the start and the end of the segment's audio (the take is kept whole)"
            if action.isEnabled()
            else "Select one segment with audio to trim it"
        )

    window.table.selectionModel().selectionChanged.connect(refresh)
    window.model.dataChanged.connect(refresh)
    window.model.modelReset.connect(refresh)
    window.context_menu.aboutToShow.connect(refresh)
    refresh()
    return action
