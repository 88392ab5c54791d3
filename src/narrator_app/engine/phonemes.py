"""Text and phoneme pieces turned into the one phoneme string kokoro-onnx speaks (`is_phonemes=True`).

A lexicon entry given in IPA must reach the model as phonemes, not letters: the text around it is
phonemised with kokoro-onnx's own tokenizer (espeak-ng through phonemizer) and the entry's phonemes
are spliced in between. The model's vocabulary is read from kokoro-onnx's config.json without
importing the package (which would load onnxruntime) or any model.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Piece:
    """A run of what will be spoken: plain text (phonemised later) or phonemes for the model as is."""

    text: str
    phonemes: bool = False


class Phonemizer(Protocol):
    """What we need of kokoro_onnx.tokenizer.Tokenizer (a loaded Kokoro's `.tokenizer` is one)."""

    def phonemize(self, text: str, lang: str = ...) -> str: ...


class VocabularyUnavailable(Exception):
    """kokoro-onnx's vocabulary could not be read; the message says where it was looked for."""


@functools.cache
def model_vocabulary() -> frozenset[str]:
    """The phonemes (single characters) Kokoro v1.0 has tokens for, from kokoro-onnx's config.json."""
    try:
        spec = importlib.util.find_spec("kokoro_onnx")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise VocabularyUnavailable("kokoro-onnx is not installed, so the model's phonemes are unknown.")
    config = Path(next(iter(spec.submodule_search_locations))) / "config.json"
    try:
        vocab = json.loads(config.read_text(encoding="utf-8"))["vocab"]
    except (OSError, ValueError, KeyError) as error:
        raise VocabularyUnavailable(f"Could not read the model's phonemes from {config}: {error}") from error
    return frozenset(str(symbol) for symbol in vocab)


def unknown_phonemes(ipa: str, vocabulary: Iterable[str] | None = None) -> set[str]:
    """The characters of `ipa` the model has no token for (kokoro-onnx would silently drop them)."""
    known = model_vocabulary() if vocabulary is None else frozenset(vocabulary)
    return {symbol for symbol in ipa if symbol not in known}


@functools.cache
def _default_phonemizer() -> Phonemizer:
    from kokoro_onnx.tokenizer import Tokenizer  # loads espeak-ng: only when something is phonemised

    tokenizer: Phonemizer = Tokenizer()
    return tokenizer


_VOICELESS = frozenset("ptkfθ")
_SIBILANT = frozenset("szʃʒʧʤ")
_POSSESSIVE = re.compile(r"^['’]s(?!\w)")
_STRESS_AND_LENGTH = frozenset("ˈˌː")


def _possessive(phonemes: str) -> str:
    """The sound of "'s" after a word ending in `phonemes`: ɪz after a sibilant, s after voiceless, else z."""
    sounds = [p for p in phonemes.rstrip() if p not in _STRESS_AND_LENGTH]
    last = sounds[-1] if sounds else ""
    if last in _SIBILANT:
        return "ɪz"
    return "s" if last in _VOICELESS else "z"


def to_phonemes(pieces: Iterable[Piece], language: str, phonemizer: Phonemizer | None = None) -> str:
    """One phoneme string for `pieces`: text pieces phonemised for `language`, phoneme pieces kept.

    Where the text had whitespace between two pieces there is one space; "'s" right after a phoneme
    piece is spoken as the possessive of that word (ɪz, s or z), since espeak alone reads it "ɛs".
    """
    tokenizer = phonemizer or _default_phonemizer()
    out: list[str] = []
    gap = False  # whitespace in the text before the next piece
    after_phonemes = False
    for piece in pieces:
        if not piece.text:
            continue
        if piece.phonemes:
            spoken = " ".join(piece.text.split())
            gap = gap or piece.text[:1].isspace()
            after_phonemes = True
        else:
            text = piece.text
            if after_phonemes and not gap and (match := _POSSESSIVE.match(text)):
                out.append(_possessive(out[-1] if out else ""))
                text = text[match.end() :]
            spoken = tokenizer.phonemize(text, language) if text.strip() else ""
            gap = gap or text[:1].isspace()
            after_phonemes = False
        if spoken:
            if out and gap and not out[-1].endswith(" "):
                out.append(" ")
            out.append(spoken)
            gap = False
        gap = gap or piece.text[-1:].isspace()
    return "".join(out).strip()
