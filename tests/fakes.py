"""A stand-in for kokoro_onnx.Kokoro: fast, deterministic, controllable. For UI tests only;
every test that claims real audio is generated uses the real model."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

import numpy as np

SAMPLE_RATE = 24_000


class FakeKokoro:
    """Speaks each sentence as a 0.5 s tone. `hold()` makes it wait before every chunk until
    `release()`; `fail_with` makes it raise."""

    def __init__(self) -> None:
        self._gate = threading.Event()
        self._gate.set()
        self.started = threading.Event()
        self.fail_with: Exception | None = None
        self.calls: list[tuple[str, str, float, str]] = []
        self.threads: set[int] = set()

    def hold(self) -> None:
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    async def create_stream(
        self, text: str, voice: str, speed: float = 1.0, lang: str = "en-us"
    ) -> AsyncIterator[tuple[np.ndarray, int]]:
        self.calls.append((text, voice, speed, lang))
        self.threads.add(threading.get_ident())
        self.started.set()
        sentences = [s for s in text.replace("!", ".").replace("?", ".").split(".") if s.strip()]
        for _ in sentences or [text]:
            self._gate.wait(timeout=30)
            if self.fail_with is not None:
                raise self.fail_with
            t = np.arange(int(0.5 * SAMPLE_RATE / speed)) / SAMPLE_RATE
            yield (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE
