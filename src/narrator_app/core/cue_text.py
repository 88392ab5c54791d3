"""The written text of each spoken sentence: what a subtitle cue shows.

No Qt here. The model is given the text normalised ("Chapter 1" read "Chapter one", "$12.50" "twelve
dollars and fifty cents") with the lexicon applied and the direction tags gone; a cue shows what the
user wrote. Both sides are cut into sentences by the same rule (engine/chunks.split_into_sentences), and
normalisation can take a sentence end away: "Dr. Smith" is read "Doctor Smith", one sentence where the
written text has a full stop and a space. So a written sentence end counts only where the text read
aloud still ends a sentence there (`written_sentences`); then the written sentences pair with the
spoken ones in order. Where they still do not (a lexicon entry that adds or takes away a full stop),
the written text spans the spoken sentences as a whole and the cues share its time by characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from narrator_app.core.lexicon import LexiconEntry
from narrator_app.core.normalize import spoken_text
from narrator_app.engine.chunks import split_into_sentences
from narrator_app.engine.cues import Sentence


def _spoken_count(text: str, language: str, entries: tuple[LexiconEntry, ...]) -> int:
    said = "".join(piece.text for piece in spoken_text(text, language, entries))
    return len(split_into_sentences(said))


def written_sentences(text: str, language: str, entries: Iterable[LexiconEntry] = ()) -> list[str]:
    """`text` (as written, without tags) cut into the sentences it is read as: a written sentence
    whose end the reading takes away ("Dr." before "Smith") joins the next one. A line break always
    ends a sentence."""
    chosen = tuple(entries)
    sentences: list[str] = []
    for line in text.splitlines():
        pieces = split_into_sentences(line)
        if not pieces:
            continue
        current = pieces[0]
        for piece in pieces[1:]:
            joined = f"{current} {piece}"
            if _spoken_count(joined, language, chosen) <= _spoken_count(current, language, chosen):
                current = joined  # read as one sentence
            else:
                sentences.append(current)
                current = piece
        sentences.append(current)
    return sentences


def cue_sentences(
    spoken: Sequence[Sentence], text: str, language: str, entries: Iterable[LexiconEntry] = ()
) -> list[Sentence]:
    """The spoken sentences' times with the written sentences' texts (see the module's note)."""
    if not spoken:
        return []
    written = written_sentences(text, language, entries)
    if len(written) == len(spoken):
        return [Sentence(s.start, s.end, w) for s, w in zip(spoken, written, strict=True)]
    whole = " ".join(text.split())
    return [Sentence(spoken[0].start, spoken[-1].end, whole)] if whole else []
