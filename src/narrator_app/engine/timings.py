"""A segment's recorded chunk timings (from rendering) as JSON, and as the sentences of its subtitles.

No Qt here. Rendering speaks a segment in chunks of whole sentences (engine/chunks.py) and reports
where each chunk's audio starts and ends (SynthesisResult.spoken). Those times are stored with the
audio (`segments.audio_timings`) and read back at export: a chunk of one sentence is that sentence's
cue time exactly; a chunk of several sentences (short ones are grouped up to ~200 characters) is
shared between them by their number of characters, the only place where a time is estimated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from narrator_app.engine.cues import Sentence
from narrator_app.engine.parts import Spoken

# As engine/chunks.py splits sentences: after . ! ? … (maybe closed by a quote), or a CJK full stop.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]»”’]))\s+|(?<=[。！？])")


def timings_json(spoken: Iterable[Spoken]) -> str | None:
    """`[[start, end, text], ...]` (seconds rounded to the millisecond), None if nothing was spoken."""
    rows = [[round(s.start, 3), round(s.end, 3), s.text] for s in spoken]
    return json.dumps(rows, ensure_ascii=False) if rows else None


def split_sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def sentences_from_json(data: str | None) -> tuple[Sentence, ...] | None:
    """The sentences of recorded timings, in order; None when unknown or unreadable."""
    if not data:
        return None
    try:
        rows = json.loads(data)
        chunks = [(float(start), float(end), str(text)) for start, end, text in rows]
    except (ValueError, TypeError):
        return None
    sentences: list[Sentence] = []
    for start, end, text in chunks:
        parts = split_sentences(text) or [text]
        weights = [max(1, len(p)) for p in parts]
        total, done, position = sum(weights), 0, start
        for part, weight in zip(parts, weights, strict=True):
            done += weight
            stop = start + (end - start) * done / total
            sentences.append(Sentence(position, stop, part))
            position = stop
    return tuple(sentences)
