"""Splitting a segment's text into chunks of whole sentences.

Each chunk is synthesized on its own, so a cancel takes effect within a sentence and progress moves
as chunks finish. A rendering speaks one sentence a chunk (`plan_chunks`): where each chunk's audio
starts and ends is then where each sentence's does, which the subtitle cues are timed from (the model
reports no times inside a chunk). Measured (bench/sentence_chunks.py, int8, 1 thread): 20 short
sentences (17 characters on average) take 1.43 x the time of the same text in 2 grouped chunks;
prose (7 sentences of 60-130 characters, 6 chunks grouped) the same either way (25.8 s both); the
loudness of sentences rendered alone spreads by 1.0 dB (short) and 0.3 dB (prose).
`split_into_chunks` can still group short sentences up to a target length. A single long sentence
stays whole and kokoro-onnx splits it further at its 510-phoneme limit. A line break always ends a
chunk: a new line in the text is a pause in the narration, even without a full stop.
"""

from __future__ import annotations

import re

TARGET_CHARS = 200
MIN_CHARS = 60
_CJK_STOPS = "。！？"
# After . ! ? … (optionally closed by a quote or bracket) and whitespace, or after a CJK full stop.
_SENTENCE_END = re.compile(rf"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]»”’]))\s+|(?<=[{_CJK_STOPS}])")
_ENDS_SENTENCE = re.compile(rf"[.!?…{_CJK_STOPS}][\"')\]»”’]?$")


def split_into_chunks(text: str, target: int = TARGET_CHARS, minimum: int = MIN_CHARS) -> list[str]:
    """Whole sentences, grouped into chunks of about `target` characters; never empty strings."""
    chunks: list[str] = []
    for line in text.splitlines():
        line_start = len(chunks)
        current = ""
        for sentence in (s.strip() for s in _SENTENCE_END.split(line)):
            if not sentence:
                continue
            if not current:
                current = sentence
            elif len(current) < minimum or len(current) + 1 + len(sentence) <= target:
                joiner = "" if current[-1] in _CJK_STOPS else " "
                current = f"{current}{joiner}{sentence}"
            else:
                chunks.append(current)
                current = sentence
        if not current:
            continue
        # A short tail joins the chunk before it rather than being spoken on its own.
        if (
            len(current) < minimum
            and len(chunks) > line_start
            and len(chunks[-1]) + 1 + len(current) <= target + minimum
        ):
            joiner = "" if chunks[-1][-1] in _CJK_STOPS else " "
            chunks[-1] = f"{chunks[-1]}{joiner}{current}"
        else:
            chunks.append(current)
    return chunks


# Silence after a chunk: what kokoro-onnx puts after a sentence (or a clause) when it joins its own
# batches; none after a chunk cut between two words.
CHUNK_PAUSE = 0.25
CLAUSE_PAUSE = 0.1
# Characters of the first chunks when the audio is played while it is rendered (preview). Every
# inference costs about a second of CPU whatever its length (measured on 2 cores: 19 characters
# 1.4 s of CPU, 55 characters 2.7 s), so the first chunk is short — cut between words if no sentence
# or clause ends early enough — and each next one about twice as long as the last, so that it is ready
# before the audio before it has been heard.
QUICK_START = (40, 60, 120)
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+|(?<=[、，；])")
CLAUSE_MARKS = ",;:—–、，；"


def plan_chunks(text: str, *, quick_start: bool = False) -> list[tuple[str, float]]:
    """The chunks to render, each with the seconds of silence to put after it (none after the last).
    `quick_start`: see split_for_quick_start."""
    if not quick_start:
        chunks = split_into_sentences(text)
        return [(c, _pause_after(c) if i < len(chunks) - 1 else 0.0) for i, c in enumerate(chunks)]
    plan = split_for_quick_start(text)
    return [(c, pause if i < len(plan) - 1 else 0.0) for i, (c, pause) in enumerate(plan)]


def split_into_sentences(text: str) -> list[str]:
    """One chunk per sentence (and per line), as split_into_chunks cuts them, never grouped; except
    that a "sentence" with nothing to say ("...", "—" between two sentences of a line) stays with
    the sentence before it (or, first in its line, the one after): alone the model has nothing to
    read. A line of nothing but marks is a chunk of its own, as it always was."""
    chunks: list[str] = []
    for line in text.splitlines():
        pieces = split_into_chunks(line, target=0, minimum=0)
        merged: list[str] = []
        for piece in pieces:
            if merged and not has_words(piece):
                merged[-1] = _joined(merged[-1], piece)
            elif merged and not has_words(merged[-1]):
                merged[-1] = _joined(merged[-1], piece)
            else:
                merged.append(piece)
        chunks.extend(merged)
    return chunks


def has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _joined(first: str, second: str) -> str:
    return f"{first}{'' if first[-1] in _CJK_STOPS else ' '}{second}"


def ends_sentence(chunk: str) -> bool:
    """Whether a chunk ends with a sentence mark (maybe closed by a quote or bracket)."""
    return _ENDS_SENTENCE.search(chunk.rstrip()) is not None


def split_for_quick_start(text: str, sizes: tuple[int, ...] = QUICK_START) -> list[tuple[str, float]]:
    """As split_into_chunks, but the first chunks are cut short (about `sizes` characters, at a
    sentence end, else at a comma or other clause mark; the very first, if neither comes early
    enough, between two words) so that their audio comes sooner; then one sentence a chunk. Each
    with the pause after it."""
    chunks = split_into_sentences(text)
    lead: list[tuple[str, float]] = []
    for index, limit in enumerate(sizes):
        if not chunks:
            break
        head, rest = _lead(chunks[0], limit)
        if index == 0 and rest and len(head) > 1.25 * limit:
            head, rest = _between_words(chunks[0], limit)
            lead.append((head, 0.0))  # mid-clause: the words run on
        else:
            lead.append((head, _pause_after(head)))
        chunks = [rest, *chunks[1:]] if rest else chunks[1:]
    return lead + [(c, _pause_after(c)) for c in chunks]


def _pause_after(chunk: str) -> float:
    return CLAUSE_PAUSE if chunk[-1] in CLAUSE_MARKS else CHUNK_PAUSE


def _between_words(chunk: str, limit: int, minimum: int = 20) -> tuple[str, str]:
    """Cut at the last space within `limit` characters (leaving `minimum` on both sides)."""
    cut = chunk.rfind(" ", minimum, limit + 1)
    if cut < 0 or len(chunk) - cut - 1 < minimum:
        return chunk, ""
    return chunk[:cut].rstrip(), chunk[cut + 1 :].lstrip()


def _lead(chunk: str, limit: int, minimum: int = 20) -> tuple[str, str]:
    """(the first sentences or clauses of `chunk`, about `limit` characters; the rest)."""
    if len(chunk) <= limit:
        return chunk, ""
    # Cut points with at least `minimum` characters on both sides: the whitespace after a mark.
    cuts = {
        pattern: [
            m for m in pattern.finditer(chunk) if m.start() >= minimum and len(chunk) - m.end() >= minimum
        ]
        for pattern in (_SENTENCE_END, _CLAUSE_END)
    }
    # The last sentence end within the limit, else the last clause end within it, else the
    # nearest cut of either kind beyond it.
    sentence_ends = [m for m in cuts[_SENTENCE_END] if m.start() <= limit]
    clause_ends = [m for m in cuts[_CLAUSE_END] if m.start() <= limit]
    if sentence_ends:
        best = sentence_ends[-1]
    elif clause_ends:
        best = clause_ends[-1]
    else:
        beyond = sorted((m for p in cuts.values() for m in p), key=lambda m: m.start())
        if not beyond:
            return chunk, ""
        best = beyond[0]
    return chunk[: best.start()].rstrip(), chunk[best.end() :].lstrip()
