"""What the model is given for a segment: its parts with the lexicon and written forms applied, and
the part of the audio fingerprint that says which pronunciation made it.

`prepare_parts` turns each text SpeakPart into text (a respelling, normalised written forms) or into
one phoneme string (when an IPA entry is in it: the text around it phonemised, the entry's phonemes
spliced in). A part with no lexicon hit and no written form is handed on unchanged, so the audio of
ordinary text is exactly what it was before the lexicon existed.

Fingerprint: `pronunciation_fingerprint` gives the digest of the entries a text uses ("" when none)
and the normalisation version *only when normalising changes the text* (0 otherwise). Both are left
out of the stored JSON while empty, so the audio of a segment without lexicon words or written forms
keeps its fingerprint across this upgrade and across a change of the rules; audio made before
normalisation existed, of a text that has written forms, is marked outdated (it was spoken wrongly).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import replace

from narrator_app.core.lexicon import LexiconEntry, entries_used, fingerprint_part
from narrator_app.core.normalize import NORMALIZATION_VERSION, normalize, spoken_text
from narrator_app.core.script import split_at_tags, without_tags
from narrator_app.engine.parts import Part, SpeakPart
from narrator_app.engine.phonemes import Phonemizer, Piece, to_phonemes

__all__ = ["prepare_parts", "prepare_text", "pronunciation_fingerprint", "spoken_preview"]


def prepare_text(
    text: str, entries: Iterable[LexiconEntry], language: str, phonemizer: Phonemizer | None = None
) -> tuple[str, bool]:
    """(what to send, is it phonemes) for `text`: `text` itself when nothing applies to it."""
    pieces = spoken_text(text, language, entries)
    if not any(piece.phonemes for piece in pieces):
        spoken = "".join(piece.text for piece in pieces)
        return (text, False) if spoken == text or not spoken.strip() else (spoken, False)
    return _keep_edges(text, to_phonemes(pieces, language, phonemizer)), True


def _keep_edges(text: str, phonemes: str) -> str:
    """The phonemes with the text's leading and trailing whitespace (the pause between parts uses it)."""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{phonemes}{trail}"


def prepare_parts(
    parts: Sequence[Part],
    entries: Iterable[LexiconEntry],
    language: str,
    phonemizer: Phonemizer | None = None,
) -> list[Part]:
    """`parts` with the lexicon and written forms applied to every text SpeakPart (phoneme parts
    and silences are kept); a part nothing applies to is the same object."""
    chosen = tuple(entries)
    out: list[Part] = []
    for part in parts:
        if isinstance(part, SpeakPart) and not part.phonemes and part.content.strip():
            content, phonemes = prepare_text(part.content, chosen, language, phonemizer)
            if content != part.content or phonemes:
                part = replace(part, content=content, phonemes=phonemes)
        out.append(part)
    return out


def spoken_preview(text: str, entries: Iterable[LexiconEntry], language: str) -> tuple[Piece, ...]:
    """What will be spoken, to show the user: the text between direction tags with the lexicon and
    written forms applied (IPA entries as phonemes), each run on its own as generation takes it, and
    the tags shown as written (`[speed 0.8]` is not read "speed zero point eight")."""
    chosen = tuple(entries)
    out: list[Piece] = []
    for piece, is_tag in split_at_tags(text):
        out.extend([Piece(piece)] if is_tag else spoken_text(piece, language, chosen))
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def _written_forms_change(text: str, language: str) -> bool:
    return normalize(text, language) != text


def pronunciation_fingerprint(text: str, language: str, entries: tuple[LexiconEntry, ...]) -> tuple[str, int]:
    """(digest of the entries `text` uses outside its tags or "", the rules' version if they change
    `text` else 0). The second is asked of the whole text, tags included, as it always was: a tag's
    number counts as a written form, so a change of the rules may mark such a segment outdated once
    more than needed, but no audio made before this keeps a fingerprint it should not have."""
    lexicon = fingerprint_part(entries_used(without_tags(text), entries)) if entries else ""
    return lexicon, NORMALIZATION_VERSION if _written_forms_change(text, language) else 0
