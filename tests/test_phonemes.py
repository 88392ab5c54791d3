"""Pieces to phonemes for kokoro-onnx, and a lexicon entry reaching the real model's audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrator_app.core.lexicon import new_entry
from narrator_app.core.normalize import spoken_text
from narrator_app.engine.phonemes import Piece, model_vocabulary, to_phonemes, unknown_phonemes


class Recorder:
    """A phonemizer that writes down what it was asked, answering in capitals."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def phonemize(self, text: str, lang: str = "en-us") -> str:
        self.asked.append((text, lang))
        return text.strip().upper()


def test_the_vocabulary_is_kokoros() -> None:
    vocabulary = model_vocabulary()
    assert {"ˈ", "ː", "ɹ", "ʃ", " ", "."} <= vocabulary
    assert unknown_phonemes("təˈmɑːtoʊ") == set()
    assert unknown_phonemes("t͡ʃ§x") == {"͡", "§"}


def test_text_is_phonemised_and_phonemes_are_spliced_in() -> None:
    recorder = Recorder()
    pieces = (Piece("I met "), Piece("kvˈɛɹts", phonemes=True), Piece(" today, "), Piece("ʤˈɪl", True))
    assert to_phonemes(pieces, "en-gb", recorder) == "I MET kvˈɛɹts TODAY, ʤˈɪl"
    assert recorder.asked == [("I met ", "en-gb"), (" today, ", "en-gb")]


def test_no_space_where_the_text_had_none() -> None:
    pieces = (Piece("un"), Piece("kvˈɛɹts", True), Piece(", yes"))
    assert to_phonemes(pieces, "en-us", Recorder()) == "UNkvˈɛɹts, YES"


@pytest.mark.parametrize(("ipa", "suffix"), [("kvˈɛɹts", "ɪz"), ("dʒˈæk", "s"), ("ˈæn", "z")])
def test_possessive_after_phonemes(ipa: str, suffix: str) -> None:
    pieces = (Piece(ipa, True), Piece("'s book"))
    assert to_phonemes(pieces, "en-us", Recorder()) == f"{ipa}{suffix} BOOK"


@pytest.fixture(scope="module")
def kokoro(real_model_dir: Path) -> object:
    """The real model, loaded once for these tests."""
    from kokoro_onnx import Kokoro

    return Kokoro(str(real_model_dir / "kokoro-v1.0.int8.onnx"), str(real_model_dir / "voices-v1.0.bin"))


@pytest.mark.real_model
class TestRealModel:
    """The lexicon reaches the audio of the real Kokoro v1.0 int8 model (voice jf_alpha, as en-us)."""

    def render(self, kokoro: object, phonemes: str) -> np.ndarray:
        samples, rate = kokoro.create(phonemes, "jf_alpha", lang="en-us", is_phonemes=True)  # type: ignore[attr-defined]
        assert rate == 24_000
        return np.asarray(samples, dtype=np.float32)

    def test_a_respelled_made_up_word_is_spoken_as_its_respelling(self, kokoro: object) -> None:
        tokenizer = kokoro.tokenizer  # type: ignore[attr-defined]
        entries = [new_entry("Xqzzyth", say="zik sith")]
        pieces = spoken_text("Xqzzyth", "en-us", entries)
        assert pieces == (Piece("zik sith"),)
        sent = to_phonemes(pieces, "en-us", tokenizer)
        assert sent == tokenizer.phonemize("zik sith", "en-us")
        assert sent != tokenizer.phonemize("Xqzzyth", "en-us")
        with_entry = self.render(kokoro, sent)
        # the model reading the respelling itself, as plain text
        respelling, _ = kokoro.create("zik sith", "jf_alpha", lang="en-us")  # type: ignore[attr-defined]
        without_entry = self.render(kokoro, tokenizer.phonemize("Xqzzyth", "en-us"))
        assert len(with_entry) > 2400  # more than 0.1 s of sound
        assert with_entry.shape == respelling.shape
        assert np.allclose(with_entry, respelling, atol=1e-4)
        assert with_entry.shape != without_entry.shape or not np.allclose(
            with_entry, without_entry, atol=1e-2
        )

    def test_an_ipa_entry_reaches_the_model_as_phonemes(self, kokoro: object) -> None:
        tokenizer = kokoro.tokenizer  # type: ignore[attr-defined]
        entries = [new_entry("Qwertz", ipa="kvˈɛɹts")]
        pieces = spoken_text("I met Qwertz on 3 March.", "en-us", entries)
        assert pieces == (Piece("I met "), Piece("kvˈɛɹts", True), Piece(" on the third of March."))
        sent = to_phonemes(pieces, "en-us", tokenizer)
        expected = " ".join(
            [
                tokenizer.phonemize("I met", "en-us"),
                "kvˈɛɹts",
                tokenizer.phonemize("on the third of March.", "en-us"),
            ]
        )
        assert sent == expected
        audio = self.render(kokoro, sent)
        spelled_out = self.render(kokoro, tokenizer.phonemize("I met Qwertz on the third of March.", "en-us"))
        assert 1.0 < len(audio) / 24_000 < 6.0
        assert np.abs(audio).max() > 0.05
        assert audio.shape != spelled_out.shape or not np.allclose(audio, spelled_out, atol=1e-2)
