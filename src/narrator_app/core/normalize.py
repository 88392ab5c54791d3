"""What will be spoken: the lexicon applied first, then written forms turned into words.

`normalize` speaks English written forms ("$12.50", "Dr. Smith", "Chapter IV") as a person reads
them, for en-us and en-gb; other languages pass through unchanged. The user's lexicon is applied
before it, so an entry for "St." or "Dr." wins over these rules, and respellings are not normalised.
Change NORMALIZATION_VERSION whenever a rule's output changes: it is part of each segment's
fingerprint, so the audio made with the old rules is marked outdated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from narrator_app.core.lexicon import LexiconEntry, Piece, hits, join_pieces, split
from narrator_app.core.written_forms.abbreviations import (
    expand_abbreviations,
    speak_acronyms,
    speak_roman_numerals,
)
from narrator_app.core.written_forms.numeric import speak_numbers
from narrator_app.core.written_forms.spoken_numbers import GB, US, Dialect

NORMALIZATION_VERSION = 1

_DIALECTS: dict[str, Dialect] = {"en-us": US, "en-gb": GB}

# The rules are regular expressions, and one re.sub over a whole book-length segment holds the GIL for
# a quarter of a second, freezing the window while a worker prepares it. Long texts are normalised in
# pieces cut at sentence ends no rule reads across: a full stop (or ! ?) after a lower-case word of four
# letters or more (so never an abbreviation, initial, number or numeral), then a capital.
PIECE_LENGTH = 2_000
_SAFE_END = re.compile(r"(?<![^\W\d_])(?!approx\.)[a-z]{4,}[.!?][\"'”’)]*\s+(?=[A-Z\"“‘(])")


def pieces(text: str, length: int = PIECE_LENGTH) -> Iterator[str]:
    """`text` cut at safe sentence ends into pieces of about `length` characters or more (a text
    without a safe end stays whole); joined, they give `text` back."""
    start = 0
    while len(text) - start > length:
        cut = _SAFE_END.search(text, start + length)
        if cut is None:
            break
        yield text[start : cut.end()]
        start = cut.end()
    yield text[start:]


def normalize(text: str, language: str) -> str:
    """`text` with its written forms spelled out as spoken words (English); unchanged for other languages."""
    dialect = _DIALECTS.get(language.lower())
    if dialect is None or not text:
        return text
    if len(text) > PIECE_LENGTH:
        return "".join(_normalize(piece, dialect) for piece in pieces(text))
    return _normalize(text, dialect)


def _normalize(text: str, dialect: Dialect) -> str:
    text = expand_abbreviations(text)
    text = speak_numbers(text, dialect)
    text = speak_roman_numerals(text, dialect)
    return speak_acronyms(text)


def spoken_text(text: str, language: str, entries: Iterable[LexiconEntry]) -> tuple[Piece, ...]:
    """What the model will be given for `text`: the lexicon applied, then the rest normalised.

    Respellings and phonemes from the lexicon are kept as the user wrote them; only the text between
    them is normalised, but with the entries' words still in their place (as stand-in words), so that
    a rule that looks at the next word still sees one: "Dr. Zyx" with an entry for "Zyx" is "Doctor"
    and Zyx's respelling. Neighbouring text pieces are joined.
    """
    text = unicodedata.normalize("NFC", text)
    found = list(hits(text, entries))
    if found and _DIALECTS.get(language.lower()) is not None:
        masked = _masked(text, found)
        spoken = _PLACEHOLDER.split(normalize(masked, language))
        # split() keeps the captured numbers: [text, n, text, n, ..., text]
        if [int(n) for n in spoken[1::2]] == list(range(len(found))):
            return _pieces_of(spoken, found)
    return join_pieces(
        (normalize(content, language) if kind == "plain" else content, kind == "ipa")
        for content, kind, _ in split(text, entries)
    )


# A word no rule changes, standing in for an entry's word while the text around it is normalised.
_PLACEHOLDER = re.compile(r"[Xx]lexiconentry(\d+)q")


def _masked(text: str, found: list[tuple[int, int, LexiconEntry]]) -> str:
    out: list[str] = []
    position = 0
    for number, (start, end, _) in enumerate(found):
        lead = "X" if text[start].isupper() else "x"
        out += [text[position:start], f"{lead}lexiconentry{number}q"]
        position = end
    out.append(text[position:])
    return "".join(out)


def _pieces_of(spoken: list[str], found: list[tuple[int, int, LexiconEntry]]) -> tuple[Piece, ...]:
    parts: list[tuple[str, bool]] = [(spoken[0], False)]
    for number, (_, _, entry) in enumerate(found):
        replacement = (entry.ipa, True) if entry.ipa is not None else (str(entry.say), False)
        parts += [replacement, (spoken[2 * number + 2], False)]
    return join_pieces(parts)
