"""The pronunciation lexicon: entries, their validation, and where in a text they apply.

An entry maps a word or phrase to a respelling ("say": plain text read instead) or to IPA phonemes
(spoken by the model as phonemes). Matching is on whole words and phrases only, the longest phrase
first, case-insensitive unless the entry says otherwise. Project entries win over global ones.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from narrator_app.engine.phonemes import Piece, unknown_phonemes

__all__ = [
    "LexiconEntry",
    "LexiconError",
    "Piece",
    "SCOPES",
    "apply",
    "entries_used",
    "fingerprint_part",
    "merge",
    "new_entry",
    "split",
]

SCOPES = ("global", "project")


class LexiconError(ValueError):
    """An entry that cannot be used; the message is a sentence for the user."""


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


@dataclass(frozen=True)
class LexiconEntry:
    """One word or phrase and how to say it: exactly one of `say` (a respelling) and `ipa`."""

    word: str
    say: str | None
    ipa: str | None
    case_sensitive: bool = False
    scope: str = "global"

    def __post_init__(self) -> None:
        validate(self)

    @property
    def key(self) -> tuple[str, bool]:
        """What makes two entries the same word: the word (folded unless case-sensitive) and the flag."""
        return (self.word if self.case_sensitive else self.word.casefold(), self.case_sensitive)


def validate(entry: LexiconEntry) -> None:
    """Raise LexiconError with a readable sentence when `entry` cannot be used."""
    if not entry.word or not entry.word.strip():
        raise LexiconError("The word to pronounce is empty; type the word or phrase as it is written.")
    if entry.word != _clean(entry.word):
        raise LexiconError(f"The word {entry.word!r} has stray spaces; use new_entry() to tidy it.")
    if entry.scope not in SCOPES:
        raise LexiconError(f"Unknown lexicon scope {entry.scope!r}; use 'global' or 'project'.")
    if entry.say is not None and entry.ipa is not None:
        raise LexiconError(f"Give either a respelling or phonemes for {entry.word!r}, not both.")
    if entry.say is None and entry.ipa is None:
        raise LexiconError(f"Say how to pronounce {entry.word!r}: a respelling or phonemes (IPA).")
    if entry.say is not None and not entry.say.strip():
        raise LexiconError(f"The respelling for {entry.word!r} is empty; type how it should sound.")
    if entry.ipa is not None:
        if not entry.ipa.strip():
            raise LexiconError(f"The phonemes for {entry.word!r} are empty; type them in IPA.")
        unknown = unknown_phonemes(entry.ipa)
        if unknown:
            names = ", ".join(f"'{p}' (U+{ord(p):04X})" for p in sorted(unknown))
            raise LexiconError(
                f"The model does not know these phonemes in {entry.word!r}: {names}. "
                "Use the model's IPA symbols (for example ˈ for stress, ː for length), or a respelling."
            )


def new_entry(
    word: str,
    *,
    say: str | None = None,
    ipa: str | None = None,
    case_sensitive: bool = False,
    scope: str = "global",
) -> LexiconEntry:
    """An entry from what a user typed: spaces tidied, Unicode composed (NFC); LexiconError if unusable."""
    return LexiconEntry(
        word=_clean(word),
        say=None if say is None else _clean(say),
        ipa=None if ipa is None else _clean(ipa),
        case_sensitive=case_sensitive,
        scope=scope,
    )


def merge(
    global_entries: Iterable[LexiconEntry], project_entries: Iterable[LexiconEntry]
) -> tuple[LexiconEntry, ...]:
    """The entries in force for a project: a project entry replaces the global one for the same word."""
    by_key: dict[tuple[str, bool], LexiconEntry] = {}
    for entry in global_entries:
        by_key[entry.key] = entry
    for entry in project_entries:
        by_key[entry.key] = entry
    return tuple(sorted(by_key.values(), key=_order))


def _order(entry: LexiconEntry) -> tuple[str, str, bool, str, str, str]:
    return (
        entry.word.casefold(),
        entry.word,
        entry.case_sensitive,
        entry.say or "",
        entry.ipa or "",
        entry.scope,
    )


@functools.cache
def _marks() -> str:
    """Combining marks (Mn, Mc, Me) of the Basic Multilingual Plane, as a regex class body."""
    ranges: list[str] = []
    start = previous = -2
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code))[0] != "M":
            continue
        if code != previous + 1:
            if start >= 0:
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = code
        previous = code
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
    return "".join(ranges)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def _entry_pattern(entry: LexiconEntry) -> str:
    word = rf"[\w{_marks()}]"
    body = r"\s+".join(re.escape(part) for part in entry.word.split(" "))
    before = rf"(?<!{word})" if _is_word_char(entry.word[0]) else ""
    after = rf"(?!{word})" if _is_word_char(entry.word[-1]) else ""
    scope = "(?-i:" if entry.case_sensitive else "(?i:"
    return f"{scope}{before}{body}{after})"


@functools.lru_cache(maxsize=64)
def _matcher(entries: tuple[LexiconEntry, ...]) -> tuple[re.Pattern[str], tuple[LexiconEntry, ...]]:
    # Longest phrase first; at equal length a case-sensitive entry (the more specific one) first.
    ordered = tuple(sorted(entries, key=lambda e: (-len(e.word), not e.case_sensitive, _order(e))))
    pattern = "|".join(f"(?P<e{i}>{_entry_pattern(e)})" for i, e in enumerate(ordered))
    return re.compile(pattern), ordered


Kind = Literal["plain", "say", "ipa"]


def split(text: str, entries: Iterable[LexiconEntry]) -> Iterator[tuple[str, Kind, LexiconEntry | None]]:
    """`text` cut into plain runs and the entries' replacements: (piece, kind, entry or None).

    The text is composed (NFC) first, as the entries' words are, so "café" matches however it was typed.
    """
    chosen = tuple(entries)
    text = unicodedata.normalize("NFC", text)
    if not chosen or not text:
        if text:
            yield text, "plain", None
        return
    pattern, ordered = _matcher(chosen)
    position = 0
    for match in pattern.finditer(text):
        entry = ordered[int(str(match.lastgroup)[1:])]
        if match.start() > position:
            yield text[position : match.start()], "plain", None
        if entry.ipa is not None:
            yield entry.ipa, "ipa", entry
        else:
            yield str(entry.say), "say", entry
        position = match.end()
    if position < len(text):
        yield text[position:], "plain", None


def hits(text: str, entries: Iterable[LexiconEntry]) -> Iterator[tuple[int, int, LexiconEntry]]:
    """Where the entries match in `text` (which must already be composed, NFC): (start, end, entry),
    in order, as `split` cuts them."""
    chosen = tuple(entries)
    if not chosen or not text:
        return
    pattern, ordered = _matcher(chosen)
    for match in pattern.finditer(text):
        yield match.start(), match.end(), ordered[int(str(match.lastgroup)[1:])]


def join_pieces(parts: Iterable[tuple[str, bool]]) -> tuple[Piece, ...]:
    """Pieces with neighbouring runs of the same kind joined."""
    pieces: list[Piece] = []
    for content, phonemes in parts:
        if not content:
            continue
        if pieces and pieces[-1].phonemes == phonemes:
            pieces[-1] = Piece(pieces[-1].text + content, phonemes)
        else:
            pieces.append(Piece(content, phonemes))
    return tuple(pieces)


def apply(text: str, entries: Iterable[LexiconEntry]) -> tuple[Piece, ...]:
    """`text` with the entries applied: respellings replace their word, IPA entries become phoneme pieces."""
    return join_pieces((content, kind == "ipa") for content, kind, _ in split(text, entries))


def entries_used(text: str, entries: Iterable[LexiconEntry]) -> tuple[LexiconEntry, ...]:
    """The entries that change how `text` is spoken (each once, in a stable order)."""
    used = {entry for _, _, entry in split(text, entries) if entry is not None}
    return tuple(sorted(used, key=_order))


def fingerprint_part(used: Iterable[LexiconEntry]) -> str:
    """A short stable digest of the entries that affect a segment; "" when none do.

    The scope is left out: moving an entry between global and project does not change the audio.
    """
    rows = sorted({(e.word, e.say, e.ipa, e.case_sensitive) for e in used}, key=lambda r: json.dumps(r))
    if not rows:
        return ""
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
