"""A stand-in for kokoro_onnx.Kokoro: fast, deterministic, controllable. For UI tests only;
every test that claims real audio is generated uses the real model."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

import numpy as np

SAMPLE_RATE = 24_000


class FakeKokoro:
    """Speaks each sentence as a 0.5 s tone. `hold()` makes it wait before every sentence until
    `step()` lets one through or `release()` lets all through; `fail_with` makes it raise."""

    def __init__(self) -> None:
        self._free = threading.Event()
        self._free.set()
        self._permits = threading.Semaphore(0)
        self.started = threading.Event()
        self.fail_with: Exception | None = None
        self.calls: list[tuple[str, str, float, str]] = []
        self.phoneme_calls: list[bool] = []  # is_phonemes of each call
        self.threads: set[int] = set()

    def hold(self) -> None:
        self._free.clear()

    def step(self, count: int = 1) -> None:
        for _ in range(count):
            self._permits.release()

    def release(self) -> None:
        self._free.set()

    def _wait_turn(self) -> None:
        deadline = 300  # × 0.1 s: never hang a test run forever
        while not self._free.is_set() and deadline:
            if self._permits.acquire(timeout=0.1):
                return
            deadline -= 1

    async def create_stream(
        self, text: str, voice: str, speed: float = 1.0, lang: str = "en-us", is_phonemes: bool = False
    ) -> AsyncIterator[tuple[np.ndarray, int]]:
        self.calls.append((text, voice, speed, lang))
        self.phoneme_calls.append(is_phonemes)
        self.threads.add(threading.get_ident())
        self.started.set()
        sentences = [s for s in text.replace("!", ".").replace("?", ".").split(".") if s.strip()]
        for _ in sentences or [text]:
            self._wait_turn()
            if self.fail_with is not None:
                raise self.fail_with
            t = np.arange(int(0.5 * SAMPLE_RATE / speed)) / SAMPLE_RATE
            yield (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE


class ClockSink:
    """Stands in for a QAudioSink where there is no audio device (offscreen, CI): takes the 16-bit
    mono samples pushed into its device (a QBuffer) and "plays" them at `speed` × real time from a
    buffer of `buffer_s` seconds, as a sound card would."""

    def __init__(self, rate: int = SAMPLE_RATE, *, speed: float = 1.0, buffer_s: float = 0.5) -> None:
        from PySide6.QtCore import QBuffer, QElapsedTimer

        self.rate = rate
        self.speed = speed
        self.capacity = int(buffer_s * rate) * 2
        self.started = self.stopped = False
        self.device = QBuffer()
        self._consumed = 0.0
        self._clock = QElapsedTimer()
        self._last = 0

    @property
    def data(self) -> bytes:
        """Every byte pushed into the sink."""
        return bytes(self.device.data().data())

    @property
    def _written(self) -> int:
        return self.device.size()

    def start(self):  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QIODevice

        self.device.open(QIODevice.OpenModeFlag.WriteOnly)
        self.started = True
        self._clock.start()
        return self.device

    def _consume(self) -> None:
        if not self.started:
            return
        now = self._clock.elapsed()
        budget = (now - self._last) / 1000 * self.rate * 2 * self.speed
        self._last = now
        self._consumed += min(self._written - self._consumed, budget)

    def bytesFree(self) -> int:  # noqa: N802
        self._consume()
        return max(0, self.capacity - int(self._written - self._consumed))

    def processedUSecs(self) -> int:  # noqa: N802
        self._consume()
        return int(self._consumed / 2 / self.rate * 1_000_000)

    def state(self) -> object:
        from PySide6.QtMultimedia import QAudio

        self._consume()
        if self.stopped:
            return QAudio.State.StoppedState
        return QAudio.State.ActiveState if self._written > self._consumed else QAudio.State.IdleState

    def error(self) -> object:
        from PySide6.QtMultimedia import QAudio

        return QAudio.Error.NoError

    def stop(self) -> None:
        self.stopped = True
