"""What a voice name says (language, gender) and voice blends such as `af_bella:2,af_sky:1`.

A *voice spec* is what the user enters wherever a voice is asked for: one voice name from the
installed voices file, or a weighted recipe of several, which is rendered with the weighted mean
of their style arrays (kokoro-onnx accepts a style array in place of a name).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from narrator_app.engine.voices import load_style

# The first letter of a Kokoro voice name: its language (and the language code to read it with).
LANGUAGES_BY_PREFIX = {
    "a": ("American English", "en-us"),
    "b": ("British English", "en-gb"),
    "j": ("Japanese", "ja"),
    "z": ("Mandarin Chinese", "cmn"),
    "e": ("Spanish", "es"),
    "f": ("French", "fr-fr"),
    "h": ("Hindi", "hi"),
    "i": ("Italian", "it"),
    "p": ("Brazilian Portuguese", "pt-br"),
}
GENDERS = {"f": "female", "m": "male"}
MAX_BLEND_PARTS = 8
MIN_WEIGHT, MAX_WEIGHT = 0.01, 100.0  # a blend weight; beyond, the weighted mean overflows or vanishes


class VoiceSpecError(ValueError):
    """A voice or blend cannot be used; the message says why and lists the voices available."""


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    language: str  # in words, "" when the name does not say
    language_code: str  # e.g. "en-us", "" when unknown
    gender: str  # "female", "male" or ""


def describe_voice(name: str) -> VoiceInfo:
    """Decode `af_heart` → American English, female. Names outside the convention say nothing."""
    prefix, _, rest = name.partition("_")
    if len(prefix) != 2 or not rest:
        return VoiceInfo(name, "", "", "")
    language, code = LANGUAGES_BY_PREFIX.get(prefix[0], ("", ""))
    return VoiceInfo(name, language, code, GENDERS.get(prefix[1], ""))


def parse_voice_spec(spec: str) -> tuple[tuple[str, float], ...]:
    """`af_bella:2, af_sky:1` → (("af_bella", 2.0), ("af_sky", 1.0)); a plain name has weight 1.
    Checks the form only (see `check_voice_spec` for the names)."""
    text = spec.strip()
    if not text:
        raise VoiceSpecError("No voice given.")
    parts: list[tuple[str, float]] = []
    for raw in text.split(","):
        name, sep, weight_text = raw.strip().partition(":")
        name = name.strip()
        if not name:
            raise VoiceSpecError(f"{spec!r} has an empty voice name; write blends as af_bella:2,af_sky:1.")
        weight = 1.0
        if sep:
            try:
                weight = float(weight_text)
            except ValueError:
                raise VoiceSpecError(
                    f"The weight of {name!r} in {spec!r} is {weight_text.strip()!r}, not a number."
                ) from None
            if not math.isfinite(weight) or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
                raise VoiceSpecError(
                    f"The weight of {name!r} in {spec!r} must be a number from {MIN_WEIGHT:g} to "
                    f"{MAX_WEIGHT:g}; only the ratios between weights matter."
                )
        if any(name == seen for seen, _ in parts):
            raise VoiceSpecError(f"{name!r} appears twice in {spec!r}.")
        parts.append((name, weight))
    if len(parts) > MAX_BLEND_PARTS:
        raise VoiceSpecError(f"A blend can mix at most {MAX_BLEND_PARTS} voices.")
    return tuple(parts)


def format_voice_spec(parts: tuple[tuple[str, float], ...]) -> str:
    """The canonical text of a spec: a single voice is its name; a blend is `name:weight,...`."""
    if len(parts) == 1:
        return parts[0][0]
    return ",".join(f"{name}:{weight:g}" for name, weight in parts)


def check_voice_spec(spec: str, voices: tuple[str, ...], voices_file: Path | str | None = None) -> str:
    """Validate a voice or blend against the installed voices; returns its canonical text."""
    parts = parse_voice_spec(spec)
    unknown = [name for name, _ in parts if name not in voices]
    if unknown:
        where = f" (in {voices_file})" if voices_file else ""
        which = ", ".join(repr(n) for n in unknown)
        raise VoiceSpecError(f"Unknown voice {which}; available voices: {', '.join(voices)}{where}.")
    return format_voice_spec(parts)


def is_blend(spec: str) -> bool:
    return "," in spec or ":" in spec


def voice_style(spec: str, voices_file: Path) -> str | NDArray[np.float32]:
    """What to hand to kokoro-onnx: the name of a single voice, or the blended style array."""
    parts = parse_voice_spec(spec)
    if len(parts) == 1:
        return parts[0][0]
    total = sum(weight for _, weight in parts)
    styles = [load_style(voices_file, name) * (weight / total) for name, weight in parts]
    if len({style.shape for style in styles}) != 1:
        raise VoiceSpecError(f"The voices in {spec!r} have different shapes and cannot be blended.")
    blended: NDArray[np.float32] = np.sum(styles, axis=0, dtype=np.float32)
    return blended
