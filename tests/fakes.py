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
        self, text: str, voice: str, speed: float = 1.0, lang: str = "en-us"
    ) -> AsyncIterator[tuple[np.ndarray, int]]:
        self.calls.append((text, voice, speed, lang))
        self.threads.add(threading.get_ident())
        self.started.set()
        sentences = [s for s in text.replace("!", ".").replace("?", ".").split(".") if s.strip()]
        for _ in sentences or [text]:
            self._wait_turn()
            if self.fail_with is not None:
                raise self.fail_with
            t = np.arange(int(0.5 * SAMPLE_RATE / speed)) / SAMPLE_RATE
            yield (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE
