"""Audio preview with QtMultimedia; the app keeps running without it and says why Play is off.

A take's trim is heard: `play(..., trim=(start, end))` seeks past the first `start` seconds once the
file is loaded and stops `end` seconds before its end (then `finished` is emitted, as at its end)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

log = logging.getLogger(__name__)

Trim = tuple[float, float]  # seconds cut from the start and from the end of a file
NO_TRIM: Trim = (0.0, 0.0)
# Positions arrive about every 85 ms: within this of the trim's end a timer stops at the right moment.
STOP_AHEAD_MS = 200

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


# The player and its audio output are made by QML, that is by C++, when QtQml can: objects made from
# Python are Shiboken wrapper subclasses whose every virtual call takes the GIL first. QtMultimedia's
# FFmpeg threads destroy their renderer while playback stops, and ~QObject then calls the senders'
# disconnectNotify() (the audio output's) holding a Qt signal lock; if the GUI thread, holding the
# GIL, wants that lock meanwhile (any signal, e.g. an action triggered), both wait for ever. Seen
# once in a test run: stop() triggered right after a play, the renderer thread in
# QAudioOutputWrapper::disconnectNotify waiting for the GIL.
_PLAYER_QML = b"import QtMultimedia\nMediaPlayer { audioOutput: AudioOutput {} }"


def _native_player(parent: QObject) -> QMediaPlayer | None:
    """A QMediaPlayer with its QAudioOutput, both made in C++ (by a QML component), parented to
    `parent`; None when QtQml or its QtMultimedia module is not there."""
    try:
        from PySide6.QtCore import QByteArray
        from PySide6.QtQml import QQmlComponent, QQmlEngine
        from shiboken6 import Shiboken
    except ImportError:
        return None
    engine = QQmlEngine()
    component = QQmlComponent(engine)
    component.setData(QByteArray(_PLAYER_QML), QUrl())
    made = component.create()
    if made is None or not made.inherits("QMediaPlayer"):
        log.warning(
            "QML could not make the media player (%s); using one made from Python.", component.errorString()
        )
        engine.deleteLater()
        return None
    # The QML type is a subclass PySide does not know: wrap the same C++ object as a QMediaPlayer.
    address = Shiboken.getCppPointer(made)[0]
    Shiboken.invalidate(made)
    player = cast(QMediaPlayer, Shiboken.wrapInstance(address, QMediaPlayer))
    player.setParent(parent)
    engine.setParent(player)  # deleted after the player, which its component made
    return player


def _python_player(parent: QObject) -> QMediaPlayer:
    player = QMediaPlayer(parent)
    player.setAudioOutput(QAudioOutput(player))
    return player


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
        self._cut_ms = (0, 0)  # the trim of what plays, in milliseconds
        self._ended = True  # `finished` was emitted for what plays (once per play)
        self._starting = False
        self._stop_timer = QTimer(self)
        self._stop_timer.setSingleShot(True)
        self._stop_timer.timeout.connect(self._stop_at_trim_end)

    def _media_player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = _native_player(self) or _python_player(self)
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
            self._player.deleteLater()  # its audio output and QML engine are its children
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

    @property
    def heard_position_ms(self) -> int:
        """The position in what is heard: from the trimmed start."""
        return max(0, self.position_ms - self._cut_ms[0])

    @property
    def heard_length_ms(self) -> int | None:
        """How long what plays is heard (its trim taken off); None until the file is loaded."""
        whole = 0 if self._player is None else int(self._player.duration())
        return max(0, whole - sum(self._cut_ms)) if whole > 0 else None

    def play(self, path: Path, segment_id: int, trim: Trim = NO_TRIM) -> str | None:
        """Start playing (only the part `trim` leaves); returns why it could not, or None."""
        if self.unavailable_reason is not None:
            return self.unavailable_reason
        if not path.is_file():
            return f"The audio file {path} is missing; generate the segment's audio again."
        player = self._media_player()
        player.stop()
        self._stop_timer.stop()
        self.segment_id = self._playing_id = segment_id
        self._cut_ms = (max(0, round(trim[0] * 1000)), max(0, round(trim[1] * 1000)))
        self._ended = False
        self._starting = True  # until its PlayingState arrives
        # Setting the same URL again would not re-read a file that was regenerated in place.
        player.setSource(QUrl())
        player.setSource(QUrl.fromLocalFile(str(path)))
        player.play()
        return None

    def stop(self) -> None:
        self._stop_timer.stop()
        self._ended = True
        self._starting = False
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())

    def _on_state(self, state: object) -> None:
        # Queued: the stop of what played before can arrive after the next play() began (a trimmed
        # take stopped at its end, the next one played at once): it does not forget the new segment.
        if state == QMediaPlayer.PlaybackState.PlayingState:
            self._starting = False
        elif state == QMediaPlayer.PlaybackState.StoppedState and not self._starting:
            self.segment_id = None
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_media_status(self, status: object) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._cut_ms[0] and self._player is not None:
            self._player.setPosition(self._cut_ms[0])  # before this the player ignores a seek
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._end()

    def _on_position(self, ms: int) -> None:
        self.position_changed.emit(int(ms))
        whole = 0 if self._player is None else int(self._player.duration())
        if not self._cut_ms[1] or whole <= 0 or self._ended or self._stop_timer.isActive():
            return
        left = whole - self._cut_ms[1] - int(ms)
        if left <= STOP_AHEAD_MS:
            self._stop_timer.start(max(0, left))

    def _stop_at_trim_end(self) -> None:
        if self._player is not None and not self._ended:
            self._player.stop()
            self._end()

    def _end(self) -> None:
        if not self._ended and self._playing_id is not None:
            self._ended = True
            self.finished.emit(self._playing_id)

    def _on_error(self, _error: object, message: str) -> None:
        log.warning("Playback error: %s", message)
        self.error.emit(f"Playback failed: {message}")
