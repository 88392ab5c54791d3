"""A segment's recorded sentence timings (from rendering) as JSON, and back as the sentences of its
subtitles.

No Qt here. Rendering speaks a segment one sentence a chunk (engine/chunks.py) and reports where
each chunk's audio starts and ends (SynthesisResult.spoken, Spoken.ends: whether a sentence ends
with it). `spoken_sentences` joins the chunks of each sentence (a sentence cut by a tag or a quick
start is several chunks); the app pairs them with the sentences as written (core/cue_text.py) and
stores `{"sentences": [[start, end, written text], ...]}` with the audio (`takes.timings`, copied to
`segments.audio_timings` for the take in use): every time there is where a sentence's audio starts
and ends, nothing estimated.

Audio rendered before this kept `[[start, end, spoken chunk], ...]`, chunks of several sentences
grouped: still read, such a chunk shared between its sentences by their number of characters (an
estimate; generating the segment again records the true times).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from narrator_app.engine.cues import Sentence
from narrator_app.engine.parts import Spoken

# As engine/chunks.py splits sentences: after . ! ? … (maybe closed by a quote), or a CJK full stop.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]»”’]))\s+|(?<=[。！？])")


def timings_json(spoken: Iterable[Spoken]) -> str | None:
    """The legacy chunk rows `[[start, end, text], ...]` (seconds rounded to the millisecond), None
    if nothing was spoken. New audio stores sentence_timings_json."""
    rows = [[round(s.start, 3), round(s.end, 3), s.text] for s in spoken]
    return json.dumps(rows, ensure_ascii=False) if rows else None


def spoken_sentences(spoken: Iterable[Spoken]) -> list[Sentence]:
    """The sentences of a rendering: the chunks up to each one that ends a sentence joined (from the
    first's start to the last's end, their texts as spoken); the last sentence ends with the audio."""
    sentences: list[Sentence] = []
    group: list[Spoken] = []
    for chunk in spoken:
        group.append(chunk)
        if chunk.ends:
            sentences.append(_joined(group))
            group = []
    if group:
        sentences.append(_joined(group))
    return sentences


def _joined(group: Sequence[Spoken]) -> Sentence:
    return Sentence(group[0].start, group[-1].end, " ".join(c.text.strip() for c in group))


def sentence_timings_json(sentences: Sequence[Sentence]) -> str | None:
    """`{"sentences": [[start, end, text], ...]}` (seconds to the millisecond); None for none."""
    if not sentences:
        return None
    rows = [[round(s.start, 3), round(s.end, 3), s.text] for s in sentences]
    return json.dumps({"sentences": rows}, ensure_ascii=False)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def sentences_from_json(data: str | None, written: str | None = None) -> tuple[Sentence, ...] | None:
    """The sentences of recorded timings, in order; None when unknown or unreadable.

    Sentence rows are read as they are. Legacy chunk rows are split into sentences by characters;
    with `written` (the segment's text as written, without tags) their texts are the written
    sentences when there are as many, else the whole written text spans them all."""
    if not data:
        return None
    try:
        loaded = json.loads(data)
        if isinstance(loaded, dict):
            return tuple(Sentence(float(s), float(e), str(t)) for s, e, t in loaded["sentences"])
        chunks = [(float(start), float(end), str(text)) for start, end, text in loaded]
    except (ValueError, TypeError, KeyError):
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
    if written is None or not sentences:
        return tuple(sentences)
    texts = split_sentences(written)
    if len(texts) == len(sentences):
        return tuple(Sentence(s.start, s.end, t) for s, t in zip(sentences, texts, strict=True))
    return (Sentence(sentences[0].start, sentences[-1].end, " ".join(written.split())),)
