"""Play while generating: a segment without current audio is played as its audio renders.

Play on such a segment starts an ordinary generation task (the WAV is written and recorded as
always; Cancel stops it) whose first chunks are short, and the audio of every chunk is played as it
arrives through a QAudioSink fed in push mode from the GUI thread. Stop silences it; the generation
goes on (the audio is needed anyway) and the status bar says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QIODevice, QObject, QTimer, Signal

from narrator_app.app.catalog import SAMPLE_RATE, SegmentRecord
from narrator_app.app.controller import Controller
from narrator_app.core.rules import AudioStatus, Refusal, is_blank
from narrator_app.core.tasks import TaskStatus

log = logging.getLogger(__name__)

try:
    from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices
except ImportError as error:  # e.g. libpulse0 missing on Linux; the player says the same
    QAudio = QAudioFormat = QAudioSink = QMediaDevices = None  # type: ignore[assignment,misc]
    _IMPORT_PROBLEM: str | None = f"QtMultimedia could not be loaded ({error})"
else:
    _IMPORT_PROBLEM = None

FEED_INTERVAL_MS = 20
BYTES_PER_SAMPLE = 2  # 16-bit mono


class Sink(Protocol):
    """What is needed of a QAudioSink (tests substitute a clock-driven one)."""

    def start(self) -> QIODevice: ...
    def stop(self) -> None: ...
    def bytesFree(self) -> int: ...
    def processedUSecs(self) -> int: ...
    def state(self) -> object: ...


SinkFactory = Callable[[int], "Sink | str"]  # sample rate → a sink, or why there is none


def default_sink(rate: int) -> Sink | str:
    """A QAudioSink on the default output for 16-bit mono at `rate`, or why there is none."""
    if _IMPORT_PROBLEM is not None:
        return _IMPORT_PROBLEM
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return "no audio output device was found"
    audio_format = QAudioFormat()
    audio_format.setSampleRate(rate)
    audio_format.setChannelCount(1)
    audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    if not device.isFormatSupported(audio_format):
        return f"the audio output {device.description()!r} cannot play 16-bit mono at {rate} Hz"
    return QAudioSink(device, audio_format)


class LivePreview(QObject):
    playing_changed = Signal(bool)
    sound_started = Signal(int)  # segment id: the first audible samples went to the audio output
    finished = Signal(int)  # segment id: played to the end
    position_changed = Signal(int)  # milliseconds played
    message = Signal(str)  # something the user should know (shown in the status bar)

    def __init__(
        self,
        controller: Controller,
        parent: QObject | None = None,
        *,
        sink_factory: SinkFactory = default_sink,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self.sink_factory = sink_factory
        self.segment_id: int | None = None
        self.task_id: str | None = None
        self.failed_segment_id: int | None = None  # whose preview lost its audio output
        self._sink: Sink | None = None
        self._device: QIODevice | None = None
        self._pending = bytearray()
        self._received = 0  # bytes of audio received for this preview
        self._second = -1  # of the position last reported
        self._heard = False
        self._rendered = False  # the task has ended: no more audio will come
        self._feeder = QTimer(self)
        self._feeder.setInterval(FEED_INTERVAL_MS)
        self._feeder.timeout.connect(self._feed)
        controller.audio_rendered.connect(self._on_audio)
        controller.task_changed.connect(self._on_task_changed)

    @property
    def active(self) -> bool:
        return self.segment_id is not None

    @property
    def position_ms(self) -> int:
        return 0 if self._sink is None else self._sink.processedUSecs() // 1000

    def wants(self, record: SegmentRecord) -> bool:
        """Should Play render this segment as it plays? When it has text, is not locked and its
        audio is missing or outdated (a locked segment's audio is played as it is)."""
        if record.is_locked or is_blank(record.text):
            return False
        return self._controller.generation.audio_status(record)[0] is not AudioStatus.READY

    def play(self, record: SegmentRecord) -> Refusal | str | None:
        """Start generating the segment and play its audio as it comes. Returns a refusal (the
        rules), a message when it generates without sound (no audio output), or None."""
        self.stop()
        probe = self.sink_factory(SAMPLE_RATE)
        if isinstance(probe, str):
            result = self._controller.generation.generate_audio(record.id)
            if isinstance(result, Refusal):
                return result
            return (
                f"The segment cannot be heard while it is generated: {probe}. Its audio is being "
                "generated" + ("." if "no audio output device" in probe else "; it plays once it is ready.")
            )
        # Ready before the task exists: a task already running sends what it has so far at once.
        self.segment_id, self.task_id = record.id, None
        self._sink, self._device = probe, None
        self._pending.clear()
        self._received, self._second = 0, -1
        self._heard = self._rendered = False
        result = self._controller.generation.preview_audio(record.id)
        if isinstance(result, Refusal):
            self._release()
            return result
        self.task_id = result
        self._feeder.start()
        self.playing_changed.emit(True)
        return None

    def stop(self) -> bool:
        """Silence the preview; the generation goes on. True if something was playing."""
        if self.segment_id is None:
            return False
        self._release()
        self.playing_changed.emit(False)
        return True

    def _release(self) -> None:
        self._feeder.stop()
        if self._sink is not None:
            self._sink.stop()
            deleter = getattr(self._sink, "deleteLater", None)
            if deleter is not None:
                deleter()
        self._sink = self._device = None
        self._pending.clear()
        self.segment_id = self.task_id = None

    def shutdown(self) -> None:
        self.stop()

    def _on_audio(self, task_id: str, segment_id: int, pcm: object, rate: int) -> None:
        ours = task_id == self.task_id or (self.task_id is None and segment_id == self.segment_id)
        if not ours or self._sink is None:
            return
        if rate != SAMPLE_RATE:  # Kokoro speaks at 24 kHz: never seen, but never play it wrongly
            log.warning("Live preview: audio at %d Hz, the output is set for %d Hz", rate, SAMPLE_RATE)
            self.stop()
            return
        self._pending += pcm  # type: ignore[arg-type]
        self._received += len(pcm)  # type: ignore[arg-type]
        self._feed()

    def _on_task_changed(self, task_id: str, _segment_id: int) -> None:
        if task_id != self.task_id or self.task_id is None:
            return
        info = self._controller.generation.task(task_id)
        if info is None or info.status.is_active:
            return
        self._rendered = True
        if info.status is not TaskStatus.COMPLETED:  # failed or cancelled: its audio is not to be had
            self.stop()
        else:
            self._feed()

    def _feed(self) -> None:
        sink = self._sink
        if sink is None:
            return
        if self._device is None and self._pending:
            self._device = sink.start()
            if self._device is None or _failed(sink):
                log.warning("Live preview of segment %s: the audio output did not open", self.segment_id)
                self.failed_segment_id = self.segment_id
                self.stop()
                self.message.emit(
                    "The segment cannot be heard while it is generated: the audio output could not be "
                    "opened. Its audio is still being generated; it plays once it is ready."
                )
                return
        if self._device is None:
            return
        free = sink.bytesFree() - sink.bytesFree() % BYTES_PER_SAMPLE
        if self._pending and free > 0:
            written = self._device.write(bytes(self._pending[:free]))
            if written > 0:
                if not self._heard and any(self._pending[:written]):
                    self._heard = True
                    self.sound_started.emit(self.segment_id)
                del self._pending[:written]
        played_ms = sink.processedUSecs() // 1000
        if played_ms // 1000 != self._second:
            self._second = played_ms // 1000
            self.position_changed.emit(played_ms)
        played_all = played_ms * SAMPLE_RATE // 1000 * BYTES_PER_SAMPLE >= self._received > 0
        if self._rendered and not self._pending and (played_all or _idle(sink)):
            segment_id = self.segment_id
            self.stop()
            if segment_id is not None:
                self.finished.emit(segment_id)

    def label_text(self, name: str) -> str:
        seconds = self.position_ms // 1000
        state = "" if self._rendered else "  (generating…)"
        return f"▶ {name}  {seconds // 60}:{seconds % 60:02d}{state}"


def _failed(sink: Sink) -> bool:
    error = getattr(sink, "error", None)
    return QAudio is not None and error is not None and error() != QAudio.Error.NoError


def _idle(sink: Sink) -> bool:
    return QAudio is not None and sink.state() == QAudio.State.IdleState
