"""Splitting a segment's text into chunks of whole sentences.

Each chunk is synthesized on its own, so a cancel takes effect within a sentence or two and progress
moves as chunks finish. Chunks group short sentences together (a very short batch is spoken at a
different rate and loudness than its neighbours) up to a target length; a single long sentence stays
whole and kokoro-onnx splits it further at its 510-phoneme limit. A line break always ends a chunk:
a new line in the text is a pause in the narration, even without a full stop.
"""

from __future__ import annotations

import re

TARGET_CHARS = 200
MIN_CHARS = 60
_CJK_STOPS = "。！？"
# After . ! ? … (optionally closed by a quote or bracket) and whitespace, or after a CJK full stop.
_SENTENCE_END = re.compile(rf"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]»”’]))\s+|(?<=[{_CJK_STOPS}])")


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


# Characters of the first chunks when the audio is played while it is rendered (preview): the first
# is short so the first sound comes soon, the next one about twice as long, so that it is ready
# before the first has been heard (rendering runs at 2-3× real time on two cores).
QUICK_START = (60, 120)
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+|(?<=[、，；])")
CLAUSE_MARKS = ",;:—–、，；"


def split_for_quick_start(text: str, sizes: tuple[int, ...] = QUICK_START) -> list[str]:
    """As split_into_chunks, but the first chunks are cut short (about `sizes` characters, at a
    sentence end, else at a comma or other clause mark) so that their audio comes sooner."""
    chunks = split_into_chunks(text)
    lead: list[str] = []
    for limit in sizes:
        if not chunks:
            break
        head, rest = _lead(chunks[0], limit)
        lead.append(head)
        chunks = [rest, *chunks[1:]] if rest else chunks[1:]
    return lead + chunks


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
    within = [m for p in (_SENTENCE_END, _CLAUSE_END) for m in cuts[p] if m.start() <= limit]
    # The last sentence end within the limit, else the last clause end within it, else the
    # nearest cut of either kind beyond it.
    sentence_ends = [m for m in cuts[_SENTENCE_END] if m.start() <= limit]
    if sentence_ends:
        best = sentence_ends[-1]
    elif within:
        best = within[-1]
    else:
        beyond = sorted((m for p in cuts.values() for m in p), key=lambda m: m.start())
        if not beyond:
            return chunk, ""
        best = beyond[0]
    return chunk[: best.start()].rstrip(), chunk[best.end() :].lstrip()
