"""Direction tags in a segment's text, parsed into a small typed script of speech runs and pauses.

The tags::

    [pause 1.5s]  [pause 500ms]  [pause 2]       silence of that length (seconds if no unit),
                                                 more than 0 and at most 30 seconds
    [voice NAME]…[/voice]                        the enclosed text in another voice; NAME is a voice
                                                 name or a blend such as af_bella:2,af_sky:1
    [speed 0.8]…[/speed]                         the enclosed text at that speed (0.5 to 2.0); it
                                                 *replaces* the segment's speed, it does not multiply it

A colon may stand for the space (`[pause:1.5s]`, `[voice:af_sky]`, as Kokoro-FastAPI writes them).
Voice and speed passages may be nested in each other and in themselves: the innermost tag of a kind
wins until its closing tag, then the outer one applies again (`[voice a]x [voice b]y[/voice] z[/voice]`
reads x and z with a, y with b). Each closing tag closes the innermost open tag of its kind.

Which brackets are tags: only `[name …]` and `[/name]` where name is exactly `pause`, `voice` or
`speed` (lower case). Every other bracket is ordinary text and is read as it is: `[sic]`, `[1]`,
`[Laughter]`, `[Pause]`, `[Editor's note: …]`. One exception catches typos instead of reading them
aloud: a bracket whose word is *almost* a tag name (another case, one letter off, or `break`) and that
is a closing tag or has a tag-like argument (digits or an underscore, as in `[paus 2s]`, `[Voice
af_sky]`, `[/speeed]`) is an error, not text.

Positions are character offsets into the original text (`text[start:end]`); messages give them as
1-based line and column. Nothing here reads files: a voice name is checked by the caller's
`check_voice(name)`, which returns an error sentence or None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

TAG_NAMES = ("pause", "voice", "speed")
MAX_PAUSE = 30.0  # seconds
MIN_SPEED, MAX_SPEED = 0.5, 2.0  # as kokoro-onnx (engine.synthesis.MIN_SPEED/MAX_SPEED)
TAGS_HELP = "Tags are [pause …], [voice …]…[/voice] and [speed …]…[/speed]"

VoiceCheck = Callable[[str], "str | None"]

# A bracket on one line with no brackets inside; its inside is then matched against _TAG_SHAPE.
_BRACKET = re.compile(r"\[([^\[\]\n]*)\]")
_TAG_SHAPE = re.compile(r"\s*(/?)\s*([A-Za-z]+)(?:\s*:\s*|\s+|$|(?=[\d.]))(.*?)\s*", re.S)
_TAG_LIKE_ARG = re.compile(r"[\w.:,\s]*[\d_][\w.:,\s]*")
_PAUSE_ARG = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)?", re.I)
_SPEED_ARG = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*x?", re.I)
_ALIASES = {"break": "pause"}


class ScriptError(ValueError):
    """A malformed tag: `message` names the tag and where it is; `start`/`end` are offsets into the text."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end


@dataclass(frozen=True)
class Speak:
    """A run of text (exactly `source[start:end]`); voice/speed None means the segment's own."""

    text: str
    voice: str | None
    speed: float | None
    start: int
    end: int


@dataclass(frozen=True)
class Pause:
    """Silence of `seconds`, from the tag at `source[start:end]`."""

    seconds: float
    start: int
    end: int


@dataclass(frozen=True)
class Script:
    """What to render, in order. A run of only whitespace between two tags is kept: it keeps the words
    on either side apart."""

    parts: tuple[Speak | Pause, ...]

    @property
    def plain_text(self) -> str:
        """The text without its tags (for subtitles and the like): where a tag stood between two runs,
        one space (a newline if there was one) when the text had whitespace there or a pause stands
        there, else nothing (a voice change inside a word)."""
        out = ""
        gap = False  # a pause since the last run
        for part in self.parts:
            if isinstance(part, Pause):
                gap = True
                continue
            text = part.text
            if out:
                left, right = out.rstrip(" \t\n"), text.lstrip(" \t\n")
                space = out[len(left) :] + text[: len(text) - len(right)]
                sep = "\n" if "\n" in space else (" " if space or gap else "")
                out, text = left + sep, right
            out += text
            gap = False
        return out.strip()

    @property
    def has_tags(self) -> bool:
        """Whether anything differs from reading the whole text in the segment's voice and speed."""
        return any(isinstance(p, Pause) or p.voice is not None or p.speed is not None for p in self.parts)


class TagSpan(NamedTuple):
    """A tag's place for highlighting: kind is pause, voice, /voice, speed, /speed or unknown."""

    start: int
    end: int
    kind: str
    ok: bool


@dataclass
class _Tag:
    start: int
    end: int
    kind: str
    value: float | str | None = None
    error: str | None = None


def position(text: str, offset: int) -> str:
    """`line 2, column 5` for an offset into `text` (both 1-based)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def parse_script(text: str, check_voice: VoiceCheck | None = None) -> Script:
    """The script of `text`; ScriptError for the first malformed tag (by position)."""
    tags, errors = _analyse(text, check_voice)
    if errors:
        raise errors[0]
    parts: list[Speak | Pause] = []
    voices: list[str] = []
    speeds: list[float] = []
    cursor = 0

    def run(end: int) -> None:
        if end > cursor:
            parts.append(
                Speak(
                    text[cursor:end],
                    voices[-1] if voices else None,
                    speeds[-1] if speeds else None,
                    cursor,
                    end,
                )
            )

    for tag in tags:
        run(tag.start)
        cursor = tag.end
        if tag.kind == "pause":
            assert isinstance(tag.value, float)
            parts.append(Pause(tag.value, tag.start, tag.end))
        elif tag.kind == "voice":
            assert isinstance(tag.value, str)
            voices.append(tag.value)
        elif tag.kind == "speed":
            assert isinstance(tag.value, float)
            speeds.append(tag.value)
        elif tag.kind == "/voice":
            voices.pop()
        elif tag.kind == "/speed":
            speeds.pop()
    run(len(text))
    return Script(tuple(parts))


def find_errors(text: str, check_voice: VoiceCheck | None = None) -> list[ScriptError]:
    """Every malformed tag of `text`, in order of position (empty if the text is fine)."""
    return _analyse(text, check_voice)[1]


def tag_spans(text: str, check_voice: VoiceCheck | None = None) -> list[TagSpan]:
    """Every tag (and tag-like typo) in `text`, in order, with whether it is well formed."""
    return [TagSpan(t.start, t.end, t.kind, t.error is None) for t in _analyse(text, check_voice)[0]]


def split_at_tags(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is it a tag) in order: the tags (and tag-like typos) as written, the
    text between them as it is; joined, the pieces are `text` again."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for span in tag_spans(text):
        if span.start > at:
            pieces.append((text[at : span.start], False))
        pieces.append((text[span.start : span.end], True))
        at = span.end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def without_tags(text: str) -> str:
    """`text` with each tag replaced by a space: what a lexicon entry or a written form can match."""
    return "".join(" " if is_tag else piece for piece, is_tag in split_at_tags(text))


def _analyse(text: str, check_voice: VoiceCheck | None) -> tuple[list[_Tag], list[ScriptError]]:
    """The tags of `text` with their values and errors (argument, nesting); errors sorted by position."""
    tags = [
        tag for match in _BRACKET.finditer(text) if (tag := _read_tag(text, match, check_voice)) is not None
    ]
    open_tags: dict[str, list[_Tag]] = {"voice": [], "speed": []}
    for tag in tags:
        if tag.kind in open_tags:
            open_tags[tag.kind].append(tag)
        elif tag.kind in ("/voice", "/speed"):
            stack = open_tags[tag.kind[1:]]
            if stack:
                stack.pop()  # even a malformed one ([/voice x]): one error is enough
            elif tag.error is None:
                tag.error = (
                    f"{_quote(text, tag)} at {position(text, tag.start)} closes no [{tag.kind[1:]} …] tag."
                )
    for stack in open_tags.values():
        for tag in stack:
            if tag.error is None:
                tag.error = (
                    f"Unclosed {_quote(text, tag)} at {position(text, tag.start)}: "
                    f"end the passage with [/{tag.kind}]."
                )
    errors = [ScriptError(t.error, t.start, t.end) for t in tags if t.error is not None]
    return tags, errors


def _quote(text: str, tag: _Tag) -> str:
    return text[tag.start : tag.end]


def _read_tag(text: str, match: re.Match[str], check_voice: VoiceCheck | None) -> _Tag | None:
    """The tag a bracket holds, None if it is ordinary text (see the module's rule)."""
    shape = _TAG_SHAPE.fullmatch(match.group(1))
    if shape is None:
        return None
    slash, word, arg = shape.group(1), shape.group(2), shape.group(3)
    raw = match.group(0)
    at = position(text, match.start())
    tag = _Tag(match.start(), match.end(), f"{slash}{word}")
    if word not in TAG_NAMES:
        near = _near_tag_name(word)
        if near is None or not (slash or _TAG_LIKE_ARG.fullmatch(arg)):
            return None
        suggestion = f"[/{near}]" if slash else f"[{near} {arg}]"
        tag.kind = "unknown"
        tag.error = f"Unknown tag {raw} at {at}; did you mean {suggestion}? {TAGS_HELP}."
        return tag
    if slash:
        if word == "pause":
            tag.error = f"{raw} at {at}: a pause has no closing tag; write [pause 1.5s] on its own."
        elif arg:
            tag.error = f"{raw} at {at}: a closing tag takes nothing; write [/{word}]."
        return tag
    if word == "pause":
        tag.value, tag.error = _pause_value(arg)
    elif word == "speed":
        tag.value, tag.error = _speed_value(arg)
    else:
        tag.value, tag.error = _voice_value(arg, check_voice)
    if tag.error is not None:
        tag.error = f"{raw} at {at}: {tag.error}"
    return tag


def _pause_value(arg: str) -> tuple[float | None, str | None]:
    number = _PAUSE_ARG.fullmatch(arg)
    if number is None:
        return None, "a pause needs a number of seconds like [pause 1.5s] or [pause 500ms]."
    seconds = float(number.group(1)) / (1000.0 if (number.group(2) or "").lower() == "ms" else 1.0)
    if not seconds > 0:
        return None, "a pause must be longer than 0 seconds."
    if seconds > MAX_PAUSE:
        return None, f"a pause can be at most {MAX_PAUSE:g} seconds."
    return seconds, None


def _speed_value(arg: str) -> tuple[float | None, str | None]:
    number = _SPEED_ARG.fullmatch(arg)
    if number is None:
        return None, f"a speed needs a number from {MIN_SPEED} to {MAX_SPEED} like [speed 0.8]."
    speed = float(number.group(1))
    if not (MIN_SPEED <= speed <= MAX_SPEED and math.isfinite(speed)):
        return None, f"the speed must be from {MIN_SPEED} to {MAX_SPEED}."
    return speed, None


def _voice_value(arg: str, check_voice: VoiceCheck | None) -> tuple[str | None, str | None]:
    name = arg.strip()
    if not name:
        return None, "name the voice, like [voice af_heart]…[/voice]."
    problem = check_voice(name) if check_voice is not None else None
    return (None, problem) if problem else (name, None)


def _near_tag_name(word: str) -> str | None:
    """The tag name `word` was probably meant to be: another case, an alias or one letter off."""
    lower = word.lower()
    if lower in TAG_NAMES:
        return lower
    if lower in _ALIASES:
        return _ALIASES[lower]
    for name in TAG_NAMES:
        if _edit_distance(lower, name) <= 1:
            return name
    return None


def _edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment)."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]
