""" "Pronounce as…" previews: one word or phrase, said as an entry would say it, in the current voice,
rendered in the background into `cache/previews/` (a one-off job; nothing is recorded)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject

from narrator_app.app.previews import PreviewQueue
from narrator_app.app.workers import WorkerRegistry
from narrator_app.core.lexicon import LexiconEntry
from narrator_app.core.pronounce import prepare_parts
from narrator_app.engine.loader import KokoroModelLoader
from narrator_app.engine.model_files import Availability
from narrator_app.engine.parts import SpeakPart
from narrator_app.engine.synthesis import SynthesisResult, generate_parts_audio


class PronouncePreviews(PreviewQueue):
    """`request(entry, voice, speed, language)` → `ready(id, path)` or `failed(id, message)`, later."""

    what = "Pronunciation preview"

    def __init__(
        self,
        loader: KokoroModelLoader,
        data_dir: Path,
        registry: WorkerRegistry,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(loader, data_dir, parent, registry)

    def request(self, entry: LexiconEntry, voice: str, speed: float, language: str) -> int:
        def path_for(voice: str, found: Availability) -> Path:
            key = f"{entry.word}|{entry.say}|{entry.ipa}|{voice}|{speed}|{language}|{found.model}"
            return self._folder / f"word-{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"

        def render(
            model: Any, style: str | NDArray[np.float32], path: Path, cancel: Callable[[], bool]
        ) -> SynthesisResult:
            tokenizer = getattr(model, "tokenizer", None)
            parts = prepare_parts([SpeakPart(entry.word, style, speed)], (entry,), language, tokenizer)
            return generate_parts_audio(parts, language, path, model=model, should_cancel=cancel)

        return self._request(voice, path_for, render)
