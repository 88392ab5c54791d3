"""What a directed segment is rendered from: runs of speech, each with its own voice and speed, and
silences; and where each chunk of speech landed in the audio."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from narrator_app.engine.chunks import CHUNK_PAUSE, CLAUSE_MARKS, CLAUSE_PAUSE

MIN_SPEED, MAX_SPEED = 0.5, 2.0  # kokoro-onnx refuses anything else
MAX_SILENCE = 60.0  # seconds: a bound on memory, not a rule of style (core.script allows 30)
# Silence between two runs of speech that meet at a space (a voice change between words): each
# inference is trimmed to the speech, so without it the words would touch. A guess, not a measurement.
WORD_GAP = 0.05
_SENTENCE_MARKS = ".!?…。！？"


@dataclass(frozen=True, eq=False)  # eq=False: a style array has no single truth value
class SpeakPart:
    """`content` read with `voice` (a name or a style array) at `speed`; with `phonemes` the content
    is a phoneme string handed to kokoro-onnx as it is (`is_phonemes=True`)."""

    content: str
    voice: str | NDArray[np.float32]
    speed: float
    phonemes: bool = False


@dataclass(frozen=True)
class SilencePart:
    """Exactly `seconds` of silence; no pause of the chunking is added next to it."""

    seconds: float


Part = SpeakPart | SilencePart


class Spoken(NamedTuple):
    """A chunk of speech in the rendered audio: seconds from the start, the chunk as sent to the
    model, the index of its part in the sequence rendered, and whether a sentence ends with it (a
    sentence mark or a line break after it; False for a piece of a sentence: a quick start's cut, or
    the words before a tag that changes the voice)."""

    start: float
    end: float
    text: str
    part: int
    ends: bool = True


def spoken_parts(parts: Sequence[Part]) -> list[bool]:
    """Which parts go to the model: every SpeakPart with something to say. Among several parts a run
    of only punctuation (a lone "." after a closing tag) says nothing; a single text is sent as it is
    unless it is blank, as before there were parts."""
    if len(parts) == 1:
        return [isinstance(parts[0], SpeakPart) and bool(parts[0].content.strip())]
    return [isinstance(p, SpeakPart) and any(c.isalnum() for c in p.content) for p in parts]


def join_pause(between: str) -> float:
    """Silence between two runs of speech, from what stands between their words: the last visible
    character of the first run, whitespace and unspoken runs (punctuation) up to the second's first word.
    A sentence end or a line break pauses as between chunks, a clause mark as after a clause, a
    space a little, nothing at all (a change of voice inside a word) not at all."""
    if "\n" in between or any(c in _SENTENCE_MARKS for c in between):
        return CHUNK_PAUSE
    if any(c in CLAUSE_MARKS for c in between):
        return CLAUSE_PAUSE
    return WORD_GAP if any(c.isspace() for c in between) else 0.0


def check_parts(parts: Sequence[Part]) -> str | None:
    """Why `parts` cannot be rendered (a sentence), or None."""
    said = spoken_parts(parts)
    if not any(isinstance(p, SilencePart) or s for p, s in zip(parts, said, strict=True)):
        return "There is no text to generate audio from."
    for part in parts:
        if isinstance(part, SilencePart):
            if not (math.isfinite(part.seconds) and 0 < part.seconds <= MAX_SILENCE):
                return f"A pause of {part.seconds} s is not above 0 and at most {MAX_SILENCE:g} s."
        elif not MIN_SPEED <= part.speed <= MAX_SPEED:
            return f"Speed {part.speed} is outside {MIN_SPEED}–{MAX_SPEED}."
    return None
