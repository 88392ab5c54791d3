"""Rendering a directed segment: speech runs with their own voice and speed, and exact pauses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.core.direction import script_parts
from narrator_app.core.script import parse_script
from narrator_app.engine import KokoroModelLoader
from narrator_app.engine.parts import WORD_GAP, Part, SilencePart, SpeakPart, Spoken
from narrator_app.engine.synthesis import generate_parts_audio, synthesize_parts_into

RATE = 24_000


def render(parts: list[Part], model: Any = None, **kwargs: Any) -> tuple[list[float], list[Spoken], Any]:
    """The length of every piece handed to the sink (seconds), the chunks' places, the model."""
    model = model if model is not None else FakeKokoro()
    pieces: list[float] = []
    spoken: list[Spoken] = []
    synthesize_parts_into(
        lambda samples, rate: pieces.append(round(len(samples) / rate, 3)),
        model,
        parts,
        "en-us",
        on_spoken=spoken.append,
        **kwargs,
    )
    return pieces, spoken, model


def say(text: str, voice: str = "af_heart", speed: float = 1.0) -> SpeakPart:
    return SpeakPart(text, voice, speed)


def test_a_pause_is_exactly_its_silence_with_no_chunk_pause_beside_it() -> None:
    pieces, spoken, fake = render([say("One."), SilencePart(1.0), say("Two.")])
    assert pieces == [0.5, 1.0, 0.5]  # no 0.25 s sentence pause next to the explicit one
    assert spoken == [Spoken(0.0, 0.5, "One.", 0), Spoken(1.5, 2.0, "Two.", 2)]
    assert [call[0] for call in fake.calls] == ["One.", "Two."]


def test_pauses_at_the_start_and_the_end_are_kept() -> None:
    pieces, spoken, _ = render([SilencePart(0.3), say("One."), SilencePart(0.2)])
    assert pieces == [0.3, 0.5, 0.2]
    assert spoken == [Spoken(0.3, 0.8, "One.", 1)]


@pytest.mark.parametrize(
    ("texts", "pieces"),
    [
        (["One.", "Two."], [0.5, 0.25, 0.5]),  # a sentence ends between the runs
        (["One,", "two"], [0.5, 0.1, 0.5]),  # a clause
        (["He said ", "hello", " and left."], [0.5, WORD_GAP, 0.5, WORD_GAP, 0.5]),  # between words
        (["wor", "ld"], [0.5, 0.5]),  # inside a word
        (["Line one", "\nline two"], [0.5, 0.25, 0.5]),  # a line break
        (["a", ".", "b"], [0.5, 0.25, 0.5]),  # a lone "." is not spoken but still ends the sentence
        (["a", " ", "b"], [0.5, WORD_GAP, 0.5]),
    ],
)
def test_between_runs_the_pause_follows_the_text_between_them(texts: list[str], pieces: list[float]) -> None:
    heard, _, fake = render([say(text, voice=f"v{i}") for i, text in enumerate(texts)])
    assert heard == pieces
    assert [call[0] for call in fake.calls] == [t.strip() for t in texts if t.strip() not in ("", ".")]


def test_each_run_goes_with_its_voice_speed_and_phoneme_flag() -> None:
    parts: list[Part] = [say("One.", "af_heart", 1.0), SpeakPart("wˈʌn.", "jm_kumo", 0.5, phonemes=True)]
    pieces, _, fake = render(parts)
    assert fake.calls == [("One.", "af_heart", 1.0, "en-us"), ("wˈʌn.", "jm_kumo", 0.5, "en-us")]
    assert fake.phoneme_calls == [False, True]
    assert pieces == [0.5, 0.25, 1.0]  # the fake speaks at half speed for twice as long


def test_only_the_first_run_starts_quickly() -> None:
    long = "At the end of the long pier, where the wall met the sea, a light stood."
    _, spoken, _ = render([say(long), SilencePart(0.5), say(long)], quick_start=True)
    assert [s.text for s in spoken] == [
        "At the end of the long pier,",
        "where the wall met the sea, a light stood.",
        long,
    ]


def test_progress_counts_the_speech() -> None:
    fractions: list[float] = []
    render([say("One."), SilencePart(1.0), say("Three.")], on_progress=fractions.append)
    assert fractions == [pytest.approx(4 / 10), pytest.approx(1.0)]


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        ([], "There is no text to generate audio from."),
        ([say("  "), say(".")], "There is no text to generate audio from."),
        ([say("Hi."), SilencePart(0.0)], "A pause of 0.0 s is not above 0 and at most 60 s."),
        ([say("Hi."), SilencePart(float("nan"))], "A pause of nan s is not above 0 and at most 60 s."),
        ([say("Hi.", speed=2.5)], "Speed 2.5 is outside 0.5–2.0."),
    ],
)
def test_parts_that_cannot_be_rendered_fail_clearly(tmp_path: Path, parts: list[Part], error: str) -> None:
    fake = FakeKokoro()
    result = generate_parts_audio(parts, "en-us", tmp_path / "a.wav", model=fake)
    assert (result.success, result.error) == (False, error)
    assert not (tmp_path / "a.wav").exists() and fake.calls == []


def test_only_a_pause_is_a_silent_file(tmp_path: Path) -> None:
    result = generate_parts_audio([SilencePart(0.75)], "en-us", tmp_path / "a.wav", model=FakeKokoro())
    assert result.success and result.duration == pytest.approx(0.75) and result.spoken == ()
    samples, _ = sf.read(tmp_path / "a.wav", dtype="float32")
    assert len(samples) == 18_000 and not samples.any()


# --- the real model -----------------------------------------------------------------------------


class Recording:
    """The real model, noting what each create_stream call was given."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.calls: list[tuple[str, Any, float, bool]] = []

    def create_stream(
        self, text: str, voice: Any, speed: float = 1.0, lang: str = "en-us", is_phonemes: bool = False
    ) -> AsyncIterator[tuple[np.ndarray, int]]:
        self.calls.append((text, voice, speed, is_phonemes))
        stream: AsyncIterator[tuple[np.ndarray, int]] = self.model.create_stream(
            text, voice, speed=speed, lang=lang, is_phonemes=is_phonemes
        )
        return stream


@pytest.fixture(scope="module")
def real(real_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    loader = KokoroModelLoader(tmp_path_factory.mktemp("data"), real_model_dir)
    yield loader.get_model()


@pytest.fixture(scope="module")
def good_night(real: Any) -> np.ndarray:
    """'Good night.' in jm_kumo at speed 1, on its own."""
    audio: list[np.ndarray] = []
    synthesize_parts_into(lambda s, r: audio.append(s), real, [say("Good night.", "jm_kumo")], "en-us")
    return np.concatenate(audio)


def in_memory(parts: list[Part], model: Any) -> tuple[np.ndarray, list[Spoken]]:
    audio: list[np.ndarray] = []
    spoken: list[Spoken] = []
    synthesize_parts_into(lambda s, r: audio.append(s), model, parts, "en-us", on_spoken=spoken.append)
    return np.concatenate(audio), spoken


def longest_quiet_run(samples: np.ndarray, threshold: float = 1e-4) -> float:
    """Seconds of the longest stretch with every |sample| below `threshold`."""
    quiet = np.concatenate([[0], (np.abs(samples) < threshold).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(quiet))
    runs = edges[1::2] - edges[::2]
    return float(runs.max()) / RATE if len(runs) else 0.0


@pytest.mark.real_model
def test_a_two_second_pause_is_one_stretch_of_two_seconds_of_silence_and_tags_are_never_spoken(
    tmp_path: Path, real: Any
) -> None:
    text = "The door opened. [pause 2s] Nobody was there."
    model = Recording(real)
    parts = script_parts(parse_script(text), "jf_alpha", 1.0, lambda spec: spec)
    result = generate_parts_audio(parts, "en-us", tmp_path / "a.wav", model=model)
    assert result.success, result.error
    sent = [call[0] for call in model.calls]
    assert sent == ["The door opened.", "Nobody was there."]
    assert not any("[" in t or "]" in t or "pause" in t for t in sent)
    samples, rate = sf.read(tmp_path / "a.wav", dtype="float32")
    assert rate == RATE
    assert longest_quiet_run(samples) == pytest.approx(2.0, abs=0.05)
    first, second = result.spoken
    assert second.start - first.end == pytest.approx(2.0, abs=1 / RATE)
    # Outside the pause there is speech, and no other pause anywhere near as long.
    before, after = samples[: int(first.end * RATE)], samples[int(second.start * RATE) :]
    assert longest_quiet_run(before) < 0.5 and longest_quiet_run(after) < 0.5
    assert np.sqrt(np.mean(before**2)) > 0.01 and np.sqrt(np.mean(after**2)) > 0.01


@pytest.mark.real_model
def test_a_voice_tag_renders_its_run_with_that_voice(real: Any, good_night: np.ndarray) -> None:
    model = Recording(real)
    script = parse_script("Good evening. [voice jm_kumo]Good night.[/voice]")
    audio, spoken = in_memory(script_parts(script, "jf_alpha", 1.0, lambda spec: spec), model)
    assert [(c[0], c[1]) for c in model.calls] == [("Good evening.", "jf_alpha"), ("Good night.", "jm_kumo")]
    run = audio[round(spoken[1].start * RATE) : round(spoken[1].end * RATE)]
    assert len(run) == len(good_night)
    assert np.abs(run - good_night).max() < 1e-3  # the same audio as jm_kumo saying it alone


@pytest.mark.real_model
def test_a_speed_tag_changes_the_duration_of_its_run(real: Any, good_night: np.ndarray) -> None:
    script = parse_script("[speed 0.5]Good night.[/speed]")
    slow, _ = in_memory(script_parts(script, "jm_kumo", 1.0, lambda spec: spec), real)
    assert 1.5 < len(slow) / len(good_night) < 2.5


@pytest.mark.real_model
def test_a_phoneme_part_is_read_as_phonemes(real: Any, good_night: np.ndarray) -> None:
    phonemes = real.tokenizer.phonemize("Good night.", "en-us")
    model = Recording(real)
    audio, _ = in_memory([SpeakPart(phonemes, "jm_kumo", 1.0, phonemes=True)], model)
    assert model.calls == [(phonemes, "jm_kumo", 1.0, True)]
    assert len(audio) == len(good_night) and np.abs(audio - good_night).max() < 1e-3
