"""Direction tags: what the parser makes of them, what it refuses and how it says so."""

from __future__ import annotations

import pytest

from narrator_app.core.direction import script_parts, voice_checker
from narrator_app.core.script import (
    Pause,
    Script,
    ScriptError,
    Speak,
    TagSpan,
    find_errors,
    parse_script,
    tag_spans,
)
from narrator_app.engine import parts as engine_parts
from narrator_app.engine.parts import SilencePart, SpeakPart

VOICES = ("af_heart", "jf_alpha", "jm_kumo")
check = voice_checker(VOICES, "voices-v1.0.bin")


def test_a_pause_splits_the_text_and_positions_point_into_it() -> None:
    text = "Hello [pause 1.5s] world"
    script = parse_script(text)
    assert script.parts == (
        Speak("Hello ", None, None, 0, 6),
        Pause(1.5, 6, 18),
        Speak(" world", None, None, 18, 24),
    )
    for part in script.parts:
        assert isinstance(part, Pause) or text[part.start : part.end] == part.text
    assert script.plain_text == "Hello world"


@pytest.mark.parametrize(
    ("tag", "seconds"),
    [
        ("[pause 1.5s]", 1.5),
        ("[pause 500ms]", 0.5),
        ("[pause 2]", 2.0),
        ("[pause:1.5s]", 1.5),
        ("[pause 2 s]", 2.0),
        ("[pause .25s]", 0.25),
        ("[pause 30s]", 30.0),
        ("[ pause 1s ]", 1.0),
        ("[pause2s]", 2.0),
    ],
)
def test_pause_forms(tag: str, seconds: float) -> None:
    assert parse_script(f"A.{tag}B.").parts[1] == Pause(seconds, 2, 2 + len(tag))


def test_voice_and_speed_nest_in_each_other_and_in_themselves() -> None:
    text = (
        "He said [voice jf_alpha]hi[/voice] and [speed 0.8]slow [voice jm_kumo]bit[/voice][/speed]. "
        "[voice jf_alpha]x [voice jm_kumo]y[/voice] z[/voice] [speed 1.5]a [speed 0.6]b[/speed] c[/speed]"
    )
    script = parse_script(text, check)
    said = [
        (p.text.strip(), p.voice, p.speed) for p in script.parts if isinstance(p, Speak) and p.text.strip()
    ]
    assert said == [
        ("He said", None, None),
        ("hi", "jf_alpha", None),
        ("and", None, None),
        ("slow", None, 0.8),
        ("bit", "jm_kumo", 0.8),
        (".", None, None),
        ("x", "jf_alpha", None),
        ("y", "jm_kumo", None),
        ("z", "jf_alpha", None),
        ("a", None, 1.5),
        ("b", None, 0.6),
        ("c", None, 1.5),
    ]
    assert script.plain_text == "He said hi and slow bit. x y z a b c"
    assert script.has_tags


def test_a_blend_is_a_voice_and_a_colon_may_replace_the_space() -> None:
    script = parse_script("[voice af_heart:2,jf_alpha:1]Mixed.[/voice] [voice:jm_kumo]Kumo.[/voice]", check)
    assert [(p.text, p.voice) for p in script.parts if isinstance(p, Speak) and p.text.strip()] == [
        ("Mixed.", "af_heart:2,jf_alpha:1"),
        ("Kumo.", "jm_kumo"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "She wrote [sic] twice, as noted in [1] and [2, 3].",
        "[Laughter] [Pause] [Editor's note: see chapter 2] [a] [] [ ] [Voice over] [pauses]",
        "The [break the rules] and [Speed limit] and [voice-over]",
        "Unbalanced ] and [ brackets, [nested [sic] ones], and [a\nline break].",
    ],
)
def test_ordinary_prose_with_brackets_is_read_as_it_is(text: str) -> None:
    script = parse_script(text, check)
    assert script.parts == (Speak(text, None, None, 0, len(text)),)
    assert not script.has_tags and tag_spans(text, check) == [] and find_errors(text, check) == []


@pytest.mark.parametrize(
    ("text", "message", "start", "end"),
    [
        (
            "Wait [pause forever] now.",
            "[pause forever] at line 1, column 6: a pause needs a number of seconds like [pause 1.5s] "
            "or [pause 500ms].",
            5,
            20,
        ),
        ("A\nB [pause 45s]", "[pause 45s] at line 2, column 3: a pause can be at most 30 seconds.", 4, 15),
        ("[pause 0ms]", "[pause 0ms] at line 1, column 1: a pause must be longer than 0 seconds.", 0, 11),
        (
            "[pause]",
            "[pause] at line 1, column 1: a pause needs a number of seconds like [pause 1.5s] "
            "or [pause 500ms].",
            0,
            7,
        ),
        (
            "x [/pause]",
            "[/pause] at line 1, column 3: a pause has no closing tag; write [pause 1.5s] on its own.",
            2,
            10,
        ),
        ("[speed 3]a[/speed]", "[speed 3] at line 1, column 1: the speed must be from 0.5 to 2.0.", 0, 9),
        (
            "[speed fast]a[/speed]",
            "[speed fast] at line 1, column 1: a speed needs a number from 0.5 to 2.0 like [speed 0.8].",
            0,
            12,
        ),
        (
            "Hi [voice jf_alpha]there",
            "Unclosed [voice jf_alpha] at line 1, column 4: end the passage with [/voice].",
            3,
            19,
        ),
        ("Hi there[/voice].", "[/voice] at line 1, column 9 closes no [voice …] tag.", 8, 16),
        ("[speed 1]a[/speed][/speed]", "[/speed] at line 1, column 19 closes no [speed …] tag.", 18, 26),
        (
            "[voice]a[/voice]",
            "[voice] at line 1, column 1: name the voice, like [voice af_heart]…[/voice].",
            0,
            7,
        ),
        (
            "[voice jf_alpha]a[/voice jf_alpha]",
            "[/voice jf_alpha] at line 1, column 18: a closing tag takes nothing; write [/voice].",
            17,
            34,
        ),
        (
            "[voice af_nobody]a[/voice]",
            "[voice af_nobody] at line 1, column 1: Unknown voice 'af_nobody'; "
            "available voices: af_heart, jf_alpha, jm_kumo (in voices-v1.0.bin).",
            0,
            17,
        ),
        (
            "x [paus 2s]",
            "Unknown tag [paus 2s] at line 1, column 3; did you mean [pause 2s]? Tags are "
            "[pause …], [voice …]…[/voice] and [speed …]…[/speed].",
            2,
            11,
        ),
        (
            "[Pause 2s]",
            "Unknown tag [Pause 2s] at line 1, column 1; did you mean [pause 2s]? Tags are "
            "[pause …], [voice …]…[/voice] and [speed …]…[/speed].",
            0,
            10,
        ),
        (
            "[break 1s]",
            "Unknown tag [break 1s] at line 1, column 1; did you mean [pause 1s]? Tags are "
            "[pause …], [voice …]…[/voice] and [speed …]…[/speed].",
            0,
            10,
        ),
        (
            "[vioce jf_alpha]a",
            "Unknown tag [vioce jf_alpha] at line 1, column 1; did you mean [voice "
            "jf_alpha]? Tags are [pause …], [voice …]…[/voice] and [speed …]…[/speed].",
            0,
            16,
        ),
        (
            "a[/speeed]",
            "Unknown tag [/speeed] at line 1, column 2; did you mean [/speed]? Tags are "
            "[pause …], [voice …]…[/voice] and [speed …]…[/speed].",
            1,
            10,
        ),
    ],
)
def test_malformed_tags_are_refused_with_the_tag_and_its_place(
    text: str, message: str, start: int, end: int
) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(text, check)
    assert (str(caught.value), caught.value.start, caught.value.end) == (message, start, end)
    assert text[start:end] in message


def test_the_first_error_by_position_is_raised_and_all_are_listed() -> None:
    text = "[voice jf_alpha]a [pause x] b [/speed]"
    errors = find_errors(text, check)
    assert [(e.start, e.end) for e in errors] == [(0, 16), (18, 27), (30, 38)]
    with pytest.raises(ScriptError) as caught:
        parse_script(text, check)
    assert caught.value.start == 0 and caught.value.message.startswith("Unclosed [voice jf_alpha]")


def test_without_a_voice_check_any_name_passes() -> None:
    assert parse_script("[voice anyone]a[/voice]").parts == (Speak("a", "anyone", None, 14, 15),)


def test_tag_spans_mark_every_tag_and_whether_it_is_well_formed() -> None:
    text = "[pause 1s] [voice jf_alpha]a[/voice] [speed 9]b[/speed] [paus 2s] [sic] [voice jm_kumo]c"
    assert tag_spans(text, check) == [
        TagSpan(0, 10, "pause", True),
        TagSpan(11, 27, "voice", True),
        TagSpan(28, 36, "/voice", True),
        TagSpan(37, 46, "speed", False),
        TagSpan(47, 55, "/speed", True),
        TagSpan(56, 65, "unknown", False),
        TagSpan(72, 87, "voice", False),
    ]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("One.\n[pause 1s]\nTwo.", "One.\nTwo."),
        ("One.[pause 1s]Two.", "One. Two."),
        ("wor[voice jf_alpha]ld[/voice]!", "world!"),
        ("  [pause 1s]  Only.  ", "Only."),
        ("[pause 1s]", ""),
        ("A [voice jf_alpha] [/voice] B", "A B"),
    ],
)
def test_plain_text_drops_the_tags_and_keeps_the_words_apart(text: str, plain: str) -> None:
    assert parse_script(text, check).plain_text == plain


def test_the_script_bounds_match_the_engine() -> None:
    from narrator_app.core import script

    assert (script.MIN_SPEED, script.MAX_SPEED) == (engine_parts.MIN_SPEED, engine_parts.MAX_SPEED)
    assert script.MAX_PAUSE <= engine_parts.MAX_SILENCE


def test_script_parts_resolve_each_voice_once_and_fall_back_to_the_segment() -> None:
    asked: list[str] = []

    def style_of(spec: str) -> str:
        asked.append(spec)
        return f"style:{spec}"

    script = parse_script(
        "A [voice jf_alpha]B[/voice] [pause 1s] [speed 0.7]C [voice jf_alpha]D[/voice][/speed]"
    )
    parts = script_parts(script, "af_heart", 1.2, style_of)
    summary = [
        (p.content.strip(), p.voice, p.speed) if isinstance(p, SpeakPart) else p.seconds
        for p in parts
        if not isinstance(p, SpeakPart) or p.content.strip()
    ]
    assert summary == [
        ("A", "style:af_heart", 1.2),
        ("B", "style:jf_alpha", 1.2),
        1.0,
        ("C", "style:af_heart", 0.7),
        ("D", "style:jf_alpha", 0.7),
    ]
    assert asked == ["af_heart", "jf_alpha"]
    assert sum(isinstance(p, SilencePart) for p in parts) == 1
    assert script_parts(Script(()), "af_heart", 1.0, style_of) == []
