"""The model as generation sees it: a Protocol of its own, so that synthesis.py and loader.py (which
runs synthesis once to warm the model up) do not import each other."""

from __future__ import annotations

from typing import Any, Protocol


class Synthesizer(Protocol):
    """What generation needs of a model: kokoro_onnx.Kokoro has it (and so can a test double)."""

    def create_stream(
        self, text: str, voice: Any, speed: float = 1.0, lang: str = "en-us", is_phonemes: bool = False
    ) -> object:  # voice: a name or a style array; returns an async iterator of (samples, rate)
        ...
