"""The lexicon and written forms reach the audio; fingerprints mark exactly the segments using a word."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fakes import FakeKokoro
from narrator_app.core.lexicon import LexiconError, new_entry
from narrator_app.core.normalize import NORMALIZATION_VERSION
from narrator_app.core.pronounce import prepare_parts, prepare_text
from narrator_app.core.rules import AudioStatus, Refusal
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.fingerprint import Fingerprint
from narrator_app.engine.loader import load_kokoro
from narrator_app.engine.parts import SilencePart, SpeakPart
from support import MakeController, wait_for_tasks


class Letters:
    """A phonemizer for pure tests: letters upper-cased, so what was phonemised is visible."""

    def phonemize(self, text: str, lang: str = "en-us") -> str:
        return text.strip().upper()


def test_a_part_nothing_applies_to_is_handed_on_unchanged() -> None:
    part = SpeakPart("The lamp was lit.", "af_heart", 1.0)
    silence = SilencePart(0.5)
    zork = new_entry("zork", say="cork")
    out = prepare_parts([part, silence], [zork], "en-us", Letters())
    assert out[0] is part and out[1] is silence


def test_respellings_and_written_forms_stay_text_and_ipa_becomes_phonemes() -> None:
    zork = new_entry("Zork", say="cork")
    blip = new_entry("blip", ipa="blˈɪp")
    assert prepare_text("A zork and a Zork.", [zork], "en-us") == ("A cork and a cork.", False)
    assert prepare_text("It costs $3.", [], "en-us") == ("It costs three dollars.", False)
    assert prepare_text("It costs $3.", [], "fr-fr") == ("It costs $3.", False)  # no rules for French
    text, phonemes = prepare_text("Say blip now", [blip], "en-us", Letters())
    assert (text, phonemes) == ("SAY blˈɪp NOW", True)
    out = prepare_parts([SpeakPart(" Say blip now ", "af_heart", 0.9)], [blip], "en-us", Letters())
    assert isinstance(out[0], SpeakPart) and out[0].phonemes and out[0].speed == 0.9
    assert out[0].content == " SAY blˈɪp NOW "  # the edges kept: pauses between parts use them


def test_fingerprints_of_plain_texts_are_unchanged_by_the_upgrade() -> None:
    old = Fingerprint.of("Hello there.", "af_heart", 1.0, "en-us", "m:1").to_json()
    assert "lexicon" not in old and "normalization" not in old
    from narrator_app.core.rules import GenerationSettings

    settings = GenerationSettings("af_heart", 1.0, "en-us", "m:1", (new_entry("zork", say="cork"),))
    assert settings.fingerprint("Hello there.").to_json() == old
    # A text with written forms was spoken wrongly before normalisation: its old audio is outdated.
    made = Fingerprint.from_json(Fingerprint.of("It costs $3.", "af_heart", 1.0, "en-us", "m:1").to_json())
    assert made is not None
    now = settings.fingerprint("It costs $3.")
    assert now.normalization == NORMALIZATION_VERSION and made.changes_from(now) == ["written forms"]
    assert Fingerprint.from_json(now.to_json()) == now


def _statuses(c: Any) -> dict[int, AudioStatus]:
    return {s.id: c.generation.audio_status(s)[0] for s in c.segments.all()}


def test_adding_changing_and_removing_an_entry_marks_exactly_the_segments_using_it(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    uses = c.segments.add("The zork was green.")
    plain = c.segments.add("The lamp was lit.")
    other = c.segments.add("Zorkish is another word.")
    summary = c.generation.generate_all()
    assert not isinstance(summary, Refusal)
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert set(_statuses(c).values()) == {AudioStatus.READY}

    c.lexicon.add("zork", say="cork")
    assert _statuses(c) == {
        uses.id: AudioStatus.OUTDATED,
        plain.id: AudioStatus.READY,
        other.id: AudioStatus.READY,
    }
    assert "pronunciation" in c.generation.audio_status(c.segments.get(uses.id))[1]
    again = c.generation.generate_all()
    assert not isinstance(again, Refusal) and again.queued == 1
    wait_for_tasks(qtbot, c, again.task_ids)
    assert fake_kokoro.calls[-1][0] == "The cork was green."  # the respelling reached the model
    assert set(_statuses(c).values()) == {AudioStatus.READY}

    c.lexicon.add("zork", say="quark")  # changed
    assert _statuses(c)[uses.id] is AudioStatus.OUTDATED and _statuses(c)[plain.id] is AudioStatus.READY
    c.lexicon.undo()  # back to "cork": the audio matches again
    assert set(_statuses(c).values()) == {AudioStatus.READY}
    c.lexicon.remove("zork")
    assert _statuses(c) == {
        uses.id: AudioStatus.OUTDATED,
        plain.id: AudioStatus.READY,
        other.id: AudioStatus.READY,
    }
    c.lexicon.undo()
    assert set(_statuses(c).values()) == {AudioStatus.READY}
    c.lexicon.redo()
    assert _statuses(c)[uses.id] is AudioStatus.OUTDATED


def test_a_project_entry_wins_and_bad_entries_change_nothing(
    make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    c.lexicon.add("zork", say="cork")
    c.lexicon.add("zork", say="quark", project=True)
    assert [(e.word, e.say, e.scope) for e in c.lexicon.in_force()] == [("zork", "quark", "project")]
    segment = c.segments.add("A zork.")
    spoken = c.lexicon.spoken(segment.id)
    assert not isinstance(spoken, Refusal) and "".join(p.text for p in spoken) == "A quark."
    with pytest.raises(LexiconError, match="does not know"):
        c.lexicon.add("blip", ipa="bl1p")
    with pytest.raises(LexiconError, match="empty"):
        c.lexicon.add("  ", say="x")
    with pytest.raises(LexiconError, match="no entry"):
        c.lexicon.remove("nothing")
    assert [(u.entry.word, u.entry.scope, u.segments) for u in c.lexicon.entries()] == [
        ("zork", "global", 1),
        ("zork", "project", 1),
    ]


class Recording:
    """The real model, with every phoneme string it is given kept."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.tokenizer = model.tokenizer
        self.phonemes: list[str] = []
        self.texts: list[str] = []

    def create_stream(self, text: str, voice: Any, **kwargs: Any) -> AsyncIterator[tuple[np.ndarray, int]]:
        (self.phonemes if kwargs.get("is_phonemes") else self.texts).append(text)
        return self.model.create_stream(text, voice, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


@pytest.mark.real_model
def test_an_ipa_entry_reaches_the_real_model_as_phonemes(
    qtbot, make_controller: MakeController, real_model_dir: Path, tmp_path: Path
) -> None:
    from narrator_app.app.controller import Controller

    recorded: list[Recording] = []

    def factory(files: Any, threads: int) -> Recording:
        recorded.append(Recording(load_kokoro(files, threads, ["CPUExecutionProvider"])))
        return recorded[-1]

    c = Controller(tmp_path / "real", real_model_dir, model_factory=factory)
    try:
        c.lexicon.add("Zyxqo", ipa="zˈɪksko")
        c.lexicon.add("Blorf", say="Bee Lorf")
        segment = c.segments.add("Zyxqo met Blorf.")
        task = c.generation.generate_audio(segment.id)
        assert isinstance(task, str)
        wait_for_tasks(qtbot, c, [task])
        assert c.generation.task(task).status is TaskStatus.COMPLETED
        model = recorded[-1]
        said = model.tokenizer.phonemize(" met Bee Lorf.", "en-us")
        assert model.phonemes == [f"zˈɪksko {said}"] and model.texts == []
        record = c.segments.get(segment.id)
        assert record.audio_duration and record.audio_duration > 0.5
        stored = json.loads(record.audio_fingerprint)
        assert stored["lexicon"] and "normalization" not in stored
        assert c.generation.audio_status(record)[0] is AudioStatus.READY
    finally:
        c.shutdown()


def test_a_pronounce_as_preview_renders_just_that_word_as_phonemes(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    answers: list[tuple[str, int, str]] = []
    c.lexicon.previews.ready.connect(lambda i, path: answers.append(("ready", i, path)))
    c.lexicon.previews.failed.connect(lambda i, message: answers.append(("failed", i, message)))
    request = c.lexicon.preview("Zyxqo", ipa="zˈɪksko")
    qtbot.waitUntil(lambda: bool(answers), timeout=30_000)
    ((kind, answered, path),) = answers
    assert (kind, answered) == ("ready", request) and Path(path).is_file()
    assert fake_kokoro.calls[-1][0] == "zˈɪksko" and fake_kokoro.phoneme_calls[-1] is True
    assert c.lexicon.in_force() == ()  # a preview saves nothing
    with pytest.raises(LexiconError):
        c.lexicon.preview("Zyxqo", say="  ")


def test_tags_are_not_words_for_the_lexicon_nor_written_forms_to_spell_out(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    tagged = c.segments.add("Wait [pause 1s] now. [speed 0.8]Slow $5 here.[/speed]")
    word = c.segments.add("Take a pause [pause 1s] now.")
    summary = c.generation.generate_all()
    assert not isinstance(summary, Refusal)
    wait_for_tasks(qtbot, c, summary.task_ids)

    c.lexicon.add("pause", say="paws")
    assert _statuses(c) == {tagged.id: AudioStatus.READY, word.id: AudioStatus.OUTDATED}
    assert [(use.entry.word, use.segments) for use in c.lexicon.entries()] == [("pause", 1)]
    spoken = c.lexicon.spoken(tagged.id)
    assert not isinstance(spoken, Refusal)
    expected = "Wait [pause 1s] now. [speed 0.8]Slow five dollars here.[/speed]"
    assert "".join(p.text for p in spoken) == expected
    shown = "".join(p.text for p in c.lexicon.spoken_of("[voice am_michael]Take a pause[/voice] [pause 2s]"))
    assert shown == "[voice am_michael]Take a paws[/voice] [pause 2s]"
