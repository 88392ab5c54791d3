"""Audio preview with QtMultimedia; the app keeps running without it and says why Play is off."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

log = logging.getLogger(__name__)

try:
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
except ImportError as error:  # e.g. libpulse0 missing on Linux
    QAudioOutput = QMediaDevices = QMediaPlayer = None  # type: ignore[assignment,misc]
    _IMPORT_PROBLEM: str | None = (
        f"Playback is off: QtMultimedia could not be loaded ({error}). On Debian or Ubuntu, "
        "install the system package libpulse0 and restart Narrator."
    )
else:
    _IMPORT_PROBLEM = None


class AudioPlayer(QObject):
    playing_changed = Signal(bool)
    finished = Signal(int)  # segment id: its audio played to the end
    position_changed = Signal(int)  # milliseconds
    error = Signal(str)

    def __init__(self, parent: QObject | None = None, *, unavailable_reason: str | None = None) -> None:
        super().__init__(parent)
        self.unavailable_reason = unavailable_reason or _IMPORT_PROBLEM
        self.segment_id: int | None = None
        self._playing_id: int | None = None  # kept past the stop that ends a file
        # Created on first use: a media player opens the audio device and starts backend threads,
        # which a window that never plays (and its start-up) does not need.
        self._player: QMediaPlayer | None = None
        # A span of the file (a trim's preview): where playing starts, and where it stops (ms).
        self._from_ms = 0
        self._until_ms: int | None = None
        self._span_end = QTimer(self)  # stops at the span's end between two position reports
        self._span_end.setSingleShot(True)
        self._span_end.setTimerType(Qt.TimerType.PreciseTimer)
        self._span_end.timeout.connect(self._end_span)

    def _media_player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            # Queued: stop() emits this from inside QMediaPlayer, and a handler that asks the player
            # anything there (the window's actions read is_playing) can deadlock with QtMultimedia's
            # own thread (seen: the test run hung in playbackState() under stop()).
            self._player.playbackStateChanged.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
            self._player.positionChanged.connect(self._on_position)
            self._player.errorOccurred.connect(self._on_error)
            self._player.mediaStatusChanged.connect(self._on_media_status)
        return self._player

    def shutdown(self) -> None:
        """Stop and release the media player (closing the window)."""
        if self._player is not None:
            self._player.stop()
            self._player.deleteLater()
            self._output.deleteLater()
            self._player = None

    def output_problem(self) -> str | None:
        """Why nothing can be heard although playing works (no output device), or None."""
        if self.unavailable_reason is not None:
            return self.unavailable_reason
        if QMediaDevices is not None and QMediaDevices.defaultAudioOutput().isNull():
            return "no audio output device was found"
        return None

    @property
    def available(self) -> bool:
        return self.unavailable_reason is None

    @property
    def is_playing(self) -> bool:
        return (
            self._player is not None
            and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )

    @property
    def position_ms(self) -> int:
        return 0 if self._player is None else int(self._player.position())

    def play(
        self, path: Path, segment_id: int, *, from_s: float = 0.0, until_s: float | None = None
    ) -> str | None:
        """Start playing (from `from_s` seconds into the file, and stopping at `until_s` as if the
        file ended there, when given); returns why it could not, or None."""
        if self.unavailable_reason is not None:
            return self.unavailable_reason
        if not path.is_file():
            return f"The audio file {path} is missing; generate the segment's audio again."
        player = self._media_player()
        player.stop()
        self._span_end.stop()
        self.segment_id = self._playing_id = segment_id
        self._from_ms = max(0, round(from_s * 1000))
        self._until_ms = None if until_s is None else max(self._from_ms, round(until_s * 1000))
        # Setting the same URL again would not re-read a file that was regenerated in place.
        player.setSource(QUrl())
        player.setSource(QUrl.fromLocalFile(str(path)))
        player.play()
        return None

    def stop(self) -> None:
        self._until_ms = None
        self._span_end.stop()
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())

    def _on_state(self, state: object) -> None:
        if state == QMediaPlayer.PlaybackState.StoppedState:
            self.segment_id = None
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_position(self, ms: int) -> None:
        self.position_changed.emit(int(ms))
        if self._until_ms is None or not self.is_playing:
            return
        # Position reports come every 50–100 ms: a timer stops closer to the span's end, and from
        # the event loop, never inside a QMediaPlayer signal (see the queued connection above).
        self._span_end.start(max(0, self._until_ms - int(ms)))

    def _end_span(self) -> None:
        """The span played to its end: stop as the file's end would."""
        if self._until_ms is None:
            return
        self.stop()
        if self._playing_id is not None:
            self.finished.emit(self._playing_id)

    def _on_media_status(self, status: object) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._from_ms and self._player is not None:
            # A position set before the file is loaded is dropped (seen with the FFmpeg backend).
            self._player.setPosition(self._from_ms)
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._until_ms = None  # the file ended before the span did: one "finished", not two
            self._span_end.stop()
            if self._playing_id is not None:
                self.finished.emit(self._playing_id)

    def _on_error(self, _error: object, message: str) -> None:
        log.warning("Playback error: %s", message)
        self.error.emit(f"Playback failed: {message}")
