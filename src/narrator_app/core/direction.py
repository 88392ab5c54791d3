"""A segment's script (core.script) turned into what the engine renders, with voices resolved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from narrator_app.core.script import Pause, Script, VoiceCheck
from narrator_app.engine.parts import Part, SilencePart, SpeakPart
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec

StyleOf = Callable[[str], "str | NDArray[np.float32]"]


def voice_checker(voices: tuple[str, ...], voices_file: Path | str | None = None) -> VoiceCheck:
    """A `check_voice` for core.script that accepts the voices (and blends of them) of a voices file."""

    def check(spec: str) -> str | None:
        try:
            check_voice_spec(spec, voices, voices_file)
        except VoiceSpecError as error:
            return str(error)
        return None

    return check


def script_parts(script: Script, voice: str, speed: float, style_of: StyleOf) -> list[Part]:
    """The engine parts of `script`: each run with its tag's voice and speed, else the segment's
    `voice` (a spec) and `speed`; `style_of(spec)` is what kokoro-onnx gets for a spec (a name or a
    blended style array, e.g. engine.voice_specs.voice_style with the voices file), asked once per spec."""
    styles: dict[str, str | NDArray[np.float32]] = {}
    parts: list[Part] = []
    for part in script.parts:
        if isinstance(part, Pause):
            parts.append(SilencePart(part.seconds))
            continue
        spec = part.voice if part.voice is not None else voice
        if spec not in styles:
            styles[spec] = style_of(spec)
        parts.append(SpeakPart(part.text, styles[spec], part.speed if part.speed is not None else speed))
    return parts
