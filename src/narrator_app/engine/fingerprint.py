"""What produced a segment's audio: text, voice, speed, language and model file.

Stored beside the audio; when any part differs from what generation would use now, the audio is
outdated. Stored as JSON so the app can say *what* changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

_LABELS = {"text": "text", "voice": "voice", "speed": "speed", "language": "language", "model": "model"}


@functools.lru_cache(maxsize=4096)
def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def model_identity(path: Path | None, size: int | None = None) -> str:
    """A model file's name and size: cheap, and different for each official export."""
    if path is None:
        return ""
    if size is None:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
    return f"{path.name}:{size}"


@dataclass(frozen=True)
class Fingerprint:
    text: str  # a digest of the text, not the text itself
    voice: str
    speed: float
    language: str
    model: str

    @classmethod
    def of(cls, text: str, voice: str, speed: float, language: str, model: str) -> Fingerprint:
        return cls(text_digest(text), voice, round(float(speed), 3), language, model)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None) -> Fingerprint | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(**{f.name: data[f.name] for f in fields(cls)})
        except (ValueError, KeyError, TypeError):
            return None

    def changes_from(self, now: Fingerprint) -> list[str]:
        """What differs between the audio's fingerprint (self) and `now`, in words. A part of `now`
        that is unknown (empty, e.g. the model while no model file is installed) is not compared."""
        return [
            _LABELS[f.name]
            for f in fields(self)
            if getattr(now, f.name) != "" and getattr(self, f.name) != getattr(now, f.name)
        ]
