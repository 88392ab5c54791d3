"""Lexicon entries: validation with readable reasons, merging, whole-word matching, fingerprints."""

from __future__ import annotations

import dataclasses

import pytest

from narrator_app.core.lexicon import (
    LexiconEntry,
    LexiconError,
    Piece,
    apply,
    entries_used,
    fingerprint_part,
    merge,
    new_entry,
)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"word": "  ", "say": "x"}, "word to pronounce is empty"),
        ({"word": "Zorb"}, "Say how to pronounce 'Zorb'"),
        ({"word": "Zorb", "say": "zorb", "ipa": "zˈɔːɹb"}, "not both"),
        ({"word": "Zorb", "say": "   "}, "respelling for 'Zorb' is empty"),
        ({"word": "Zorb", "ipa": " "}, "phonemes for 'Zorb' are empty"),
        ({"word": "Zorb", "say": "zorb", "scope": "team"}, "Unknown lexicon scope"),
    ],
)
def test_bad_entries_are_refused_with_the_reason(kwargs: dict[str, object], reason: str) -> None:
    word = str(kwargs.pop("word"))
    with pytest.raises(LexiconError, match=reason):
        new_entry(word, **kwargs)  # type: ignore[arg-type]


def test_unknown_phonemes_are_named() -> None:
    with pytest.raises(LexiconError) as caught:
        new_entry("church", ipa="t͡ʃɜːt͡ʃ§")
    message = str(caught.value)
    assert "'͡' (U+0361)" in message and "'§' (U+00A7)" in message
    assert "ɜ" not in message.split(":", 1)[1].split(".")[0]  # known phonemes are not listed


def test_entries_are_frozen_and_checked_on_construction() -> None:
    entry = new_entry("  Hermione ", say=" Her  MY oh nee ")
    assert entry == LexiconEntry("Hermione", "Her MY oh nee", None, False, "global")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.word = "x"  # type: ignore[misc]
    with pytest.raises(LexiconError):
        LexiconEntry("Hermione", None, None, False, "global")


def test_project_entries_win_over_global_ones() -> None:
    global_entries = [new_entry("tomato", say="tomahto"), new_entry("Nice", say="neece", case_sensitive=True)]
    project_entries = [new_entry("TOMATO", say="tomayto", scope="project")]
    merged = merge(global_entries, project_entries)
    assert [e.say for e in merged] == ["neece", "tomayto"]
    assert apply("A tomato in Nice, nice.", merged) == (Piece("A tomayto in neece, nice."),)


def test_whole_words_only_and_case() -> None:
    entries = [new_entry("cat", say="kitty"), new_entry("US", say="you ess", case_sensitive=True)]
    text = "The cat, Cat and CAT sat; category, bobcat, cat's, cat-like. US us Us"
    assert apply(text, entries) == (
        Piece("The kitty, kitty and kitty sat; category, bobcat, kitty's, kitty-like. you ess us Us"),
    )


def test_unicode_word_boundaries() -> None:
    entries = [new_entry("café", say="kaffay"), new_entry("नमस्ते", say="namaste")]
    decomposed = "cafe\u0301"  # the same word, typed with a combining accent
    assert apply(f"café, {decomposed}, cafés, écafé", entries) == (Piece("kaffay, kaffay, cafés, écafé"),)
    # a Devanagari vowel sign (a combining mark) continues the word
    assert apply("नमस्ते नमस्तेि", entries) == (Piece("namaste नमस्तेि"),)


def test_longest_phrase_first_and_flexible_spaces() -> None:
    entries = [new_entry("New York", ipa="nuː jˈɔːk"), new_entry("New York City", say="the big apple")]
    assert apply("New York City and new\nyork.", entries) == (
        Piece("the big apple and "),
        Piece("nuː jˈɔːk", phonemes=True),
        Piece("."),
    )


def test_entries_ending_in_punctuation() -> None:
    entries = [new_entry("St.", say="Saint"), new_entry("C++", say="C plus plus")]
    assert apply("St. Ives, Elm St., C++ code", entries) == (
        Piece("Saint Ives, Elm Saint, C plus plus code"),
    )


def test_entries_used_are_exactly_those_that_apply() -> None:
    york = new_entry("York", say="yawk")
    new_york = new_entry("New York", ipa="nuː jˈɔːk")
    cat = new_entry("cat", say="kitty")
    entries = [cat, york, new_york]
    assert entries_used("I love New York.", entries) == (new_york,)  # York is shadowed there
    assert entries_used("York and New York", entries) == (new_york, york)
    assert entries_used("Nothing here, concatenate.", entries) == ()
    assert entries_used("York, cat, York", entries) == (cat, york)


def test_fingerprint_part_is_stable_and_sensitive() -> None:
    a = new_entry("cat", say="kitty")
    b = new_entry("dog", ipa="dˈɔɡ")
    assert fingerprint_part([]) == ""
    assert fingerprint_part([a, b]) == fingerprint_part([b, a]) == fingerprint_part((a, b, a))
    assert len(fingerprint_part([a])) == 16
    assert fingerprint_part([a]) != fingerprint_part([new_entry("cat", say="kitten")])
    assert fingerprint_part([a]) != fingerprint_part([new_entry("cat", say="kitty", case_sensitive=True)])
    # moving an entry from global to project does not change the audio, so not the fingerprint
    assert fingerprint_part([a]) == fingerprint_part([new_entry("cat", say="kitty", scope="project")])


def test_a_segment_fingerprint_changes_only_where_the_word_is() -> None:
    segments = ["The cat sat.", "A dog ran.", "Nothing."]
    before = [new_entry("cat", say="kitty")]
    after = [*before, new_entry("dog", say="doggo")]
    parts_before = [fingerprint_part(entries_used(s, before)) for s in segments]
    parts_after = [fingerprint_part(entries_used(s, after)) for s in segments]
    assert [b != a for b, a in zip(parts_before, parts_after, strict=True)] == [False, True, False]
