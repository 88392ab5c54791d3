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
