"""What produced a segment's audio: text, voice, speed, language and model file.

Stored beside the audio; when any part differs from what generation would use now, the audio is
outdated. Stored as JSON so the app can say *what* changed.

Direction (core.script): the tags are part of the text, so its digest covers them. `speed` is the
speed the segment is read at: its own speed when it has one, else the global one; a segment given
its own speed equal to the global speed is therefore not outdated, and one with its own speed is not
outdated by a change of the global speed. `pause_after` is optional and left out of the JSON while
it is None, so every fingerprint stored before it existed reads back equal to a new one without it.
The app does not fill it in: a segment's pause after it is used only by an export (the silence
between two segments' files), the segment's own audio is the same with any pause, so changing that
pause must not mark the audio outdated (nor make generate-all render it again).

Pronunciation (core.pronounce): `lexicon` is a digest of the lexicon entries the text uses ("" when
none) and `normalization` the written-forms rules' version when they change the text (0 otherwise).
Both are left out of the JSON while empty, so older fingerprints of plain texts stay equal, and they
are always compared (an entry removed shows as "pronunciation" changed).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

_LABELS = {
    "text": "text",
    "voice": "voice",
    "speed": "speed",
    "language": "language",
    "model": "model",
    "pause_after": "pause after",
    "lexicon": "pronunciation",
    "normalization": "written forms",
}
# Not in the JSON while at their default: older fingerprints stay equal.
_OPTIONAL: dict[str, object] = {"pause_after": None, "lexicon": "", "normalization": 0}


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
    pause_after: float | None = None  # seconds, when the segment has its own pause after it
    lexicon: str = ""  # digest of the lexicon entries the text uses (core.lexicon.fingerprint_part)
    normalization: int = 0  # core.normalize.NORMALIZATION_VERSION when written forms changed the text

    @classmethod
    def of(
        cls,
        text: str,
        voice: str,
        speed: float,
        language: str,
        model: str,
        *,
        pause_after: float | None = None,
        lexicon: str = "",
        normalization: int = 0,
    ) -> Fingerprint:
        pause = None if pause_after is None else round(float(pause_after), 3)
        return cls(
            text_digest(text), voice, round(float(speed), 3), language, model, pause, lexicon, normalization
        )

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if not (k in _OPTIONAL and v == _OPTIONAL[k])}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None) -> Fingerprint | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(
                **{
                    f.name: data[f.name] if f.name not in _OPTIONAL else data.get(f.name, _OPTIONAL[f.name])
                    for f in fields(cls)
                }
            )
        except (ValueError, KeyError, TypeError):
            return None

    def changes_from(self, now: Fingerprint) -> list[str]:
        """What differs between the audio's fingerprint (self) and `now`, in words. A part of `now`
        that is unknown (empty, e.g. the model while no model file is installed) is not compared."""
        return [
            _LABELS[f.name]
            for f in fields(self)
            if (getattr(now, f.name) != "" or f.name in _OPTIONAL)
            and getattr(self, f.name) != getattr(now, f.name)
        ]
