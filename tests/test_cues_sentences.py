"""Cues from true sentence times: one sentence a chunk, sentences joined across tags, the written text
paired with the spoken sentences, timings kept per take (and what the take in use shows), trims."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.core.cue_text import cue_sentences, written_sentences
from narrator_app.core.normalize import normalize
from narrator_app.engine.book_audio import BookChapter, plan_book
from narrator_app.engine.chunks import plan_chunks, split_into_sentences
from narrator_app.engine.cues import Sentence, layout_timings, sentence_cues
from narrator_app.engine.parts import SilencePart, SpeakPart, Spoken
from narrator_app.engine.synthesis import generate_parts_audio
from narrator_app.engine.timings import (
    sentence_timings_json,
    sentences_from_json,
    split_sentences,
    spoken_sentences,
    timings_json,
)
from narrator_app.store import Repository, open_database

TRICKY = [
    "Dr. Smith went to Washington. He paid $12.50 for it.",
    "The U.S. Army arrived. Then it left.",
    "He lives in the U.S. Now he is here.",
    "Mr. and Mrs. Jones left at 5 p.m. They came back.",
    "She said, e.g. this. Wait... what? Yes!",
    "It is 3.5 km. St. Paul is big. Approx. ten.",
    "Chapter IV\nIt costs $12.50. See p. 5.",
    "Pay $1,000.00. Go.",
    "He paused. ... Then he spoke. —",
]


@pytest.mark.parametrize("text", TRICKY)
def test_written_sentences_are_the_sentences_read_aloud(text: str) -> None:
    """Normalisation takes full stops away ("Dr." is read "Doctor"): the written sentences join where
    the reading does, so there are as many as the model is given, each the written words."""
    written = written_sentences(text, "en-us")
    spoken = split_into_sentences(normalize(text, "en-us"))  # what the model is given, a sentence a call
    assert len(written) == len(spoken)
    assert " ".join(written) == " ".join(text.split())  # nothing lost, nothing reordered, as written


def test_normalisation_merges_a_written_sentence_end_and_the_cues_follow() -> None:
    text = "Dr. Smith went home. It costs $12.50."
    assert len(split_sentences(text)) == 3  # the bare rule cuts after "Dr."
    assert len(split_sentences(normalize(text, "en-us"))) == 2  # the reading does not
    spoken = [Sentence(0.0, 1.5, "Doctor Smith went home."), Sentence(1.8, 3.9, "It costs twelve dollars…")]
    assert cue_sentences(spoken, text, "en-us") == [
        Sentence(0.0, 1.5, "Dr. Smith went home."),
        Sentence(1.8, 3.9, "It costs $12.50."),
    ]
    # Counts that still differ (a lexicon entry adding a full stop): the whole text over the whole span.
    assert cue_sentences(spoken[:1], text, "en-us") == [Sentence(0.0, 1.5, text)]
    assert cue_sentences([], text, "en-us") == []


def test_a_sentence_with_nothing_to_say_is_never_sent_alone() -> None:
    assert split_into_sentences("He paused. ... Then he spoke.") == ["He paused. ...", "Then he spoke."]
    assert split_into_sentences("... Then. Go.") == ["... Then.", "Go."]
    assert split_into_sentences("One.\n* * *\nTwo. —") == ["One.", "* * *", "Two. —"]  # a line: as before
    assert [c for c, _ in plan_chunks("A. ... B.")] == ["A. ...", "B."]


def test_every_sentence_is_a_chunk_and_tags_do_not_cut_a_sentence(tmp_path: Path) -> None:
    """One sentence a model call; a voice change inside a sentence gives chunks that end no sentence,
    joined into one; a line break ends one without a full stop."""
    parts = [
        SpeakPart("A heading\nShe said ", "af_heart", 1.0),
        SpeakPart("hello", "am_michael", 1.0),
        SpeakPart(" to me. Then she left.", "af_heart", 1.0),
        SilencePart(1.0),
        SpeakPart("The end", "af_heart", 1.0),
    ]
    fake = FakeKokoro()
    spoken: list[Spoken] = []
    result = generate_parts_audio(parts, "en-us", tmp_path / "a.wav", model=fake, on_spoken=spoken.append)
    assert result.success
    assert [c[0] for c in fake.calls] == [
        "A heading",
        "She said",
        "hello",
        "to me.",
        "Then she left.",
        "The end",
    ]
    assert [s.ends for s in spoken] == [True, False, False, True, True, False]
    sentences = spoken_sentences(spoken)
    assert [s.text for s in sentences] == ["A heading", "She said hello to me.", "Then she left.", "The end"]
    assert sentences[1].start == spoken[1].start and sentences[1].end == spoken[3].end
    assert sentences[-1].end == pytest.approx(result.duration)
    written = "A heading\nShe said hello to me. Then she left. The end"
    cues = cue_sentences(sentences, written, "en-us")
    assert [c.text for c in cues] == ["A heading", "She said hello to me.", "Then she left.", "The end"]


def test_sentence_rows_are_read_as_they_are_and_old_chunk_rows_still_read() -> None:
    rows = [Sentence(0.0, 1.2, "Dr. Smith went home."), Sentence(1.45, 2.0, "It costs $12.50.")]
    data = sentence_timings_json(rows)
    assert json.loads(data or "") == {
        "sentences": [[0.0, 1.2, "Dr. Smith went home."], [1.45, 2.0, "It costs $12.50."]]
    }
    assert sentences_from_json(data) == tuple(rows)  # not cut again after "Dr."
    assert sentence_timings_json([]) is None
    # Audio from before: one chunk of two spoken sentences, shared by characters; the written texts
    # when there are as many, else the written text over the chunk.
    old = timings_json([Spoken(0.0, 2.0, "It costs twelve dollars. Bye.", 0)])
    legacy = sentences_from_json(old, "It costs $12. Bye.")
    assert legacy is not None and [s.text for s in legacy] == ["It costs $12.", "Bye."]
    assert legacy[0].end == legacy[1].start and 0 < legacy[0].end < 2.0
    assert sentences_from_json(old, "It costs a lot") == (Sentence(0.0, 2.0, "It costs a lot"),)
    assert sentences_from_json('{"sentences": 3}') is None and sentences_from_json('{"x": []}') is None


def test_each_take_keeps_its_timings_and_the_take_in_use_gives_them(tmp_path: Path) -> None:
    repo = Repository(open_database(tmp_path / "narrator.sqlite3"))
    segment = repo.add_segment(repo.ensure_project().id, "One. Two.")
    first = sentence_timings_json([Sentence(0.0, 0.5, "One."), Sentence(0.75, 1.25, "Two.")])
    second = sentence_timings_json([Sentence(0.0, 0.4, "One."), Sentence(0.6, 1.0, "Two.")])
    repo.takes.add(segment.id, "audio/1/t1.wav", 1.25, "{}", "af_heart", 1.0, timings=first)
    repo.takes.add(segment.id, "audio/1/t2.wav", 1.0, "{}", "af_heart", 1.25, timings=second)
    assert [t.timings for t in repo.takes.of(segment.id)] == [first, second]
    assert repo.get_segment(segment.id).audio_timings == second  # type: ignore[union-attr]
    repo.takes.use(segment.id, 1)
    assert repo.get_segment(segment.id).audio_timings == first  # type: ignore[union-attr]
    repo.takes.use(segment.id, 2)
    assert repo.get_segment(segment.id).audio_timings == second  # type: ignore[union-attr]
    # The current take's file written again in place: the take gets the new timings too.
    third = sentence_timings_json([Sentence(0.0, 0.3, "One."), Sentence(0.5, 0.9, "Two.")])
    assert repo.set_audio(segment.id, "audio/1/t2.wav", 0.9, "{}", timings=third)
    assert repo.takes.of(segment.id)[1].timings == third
    repo.takes.use(segment.id, 1)
    repo.takes.use(segment.id, 2)
    assert repo.get_segment(segment.id).audio_timings == third  # type: ignore[union-attr]
    # A deleted take brought back (undo) keeps its timings.
    gone = repo.takes.delete(segment.id, 1)
    assert gone is not None and gone.timings == first
    repo.takes.restore([gone])
    assert repo.takes.of(segment.id)[0].timings == first


def test_0009_gives_the_current_take_the_segments_timings(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from narrator_app.store.schema import alembic_config

    path = tmp_path / "narrator.sqlite3"
    db = open_database(path)
    repo = Repository(db)
    segment = repo.add_segment(repo.ensure_project().id, "One. Two.")
    repo.takes.add(segment.id, "audio/1/t1.wav", 1.0, "{}", "af_heart", 1.0)
    repo.takes.add(segment.id, "audio/1/t2.wav", 1.0, "{}", "af_heart", 1.0)
    db.close()
    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    engine.dispose()
    old = '[[0.0, 1.0, "One. Two."]]'
    with closing(sqlite3.connect(path)) as conn:
        assert "timings" not in {row[1] for row in conn.execute("PRAGMA table_info(takes)")}
        conn.execute("UPDATE segments SET audio_timings = ? WHERE id = ?", (old, segment.id))
        conn.commit()
    repo = Repository(open_database(path))  # migrates to the head again
    assert [t.timings for t in repo.takes.of(segment.id)] == [None, old]  # the current one's: take 2
    repo.takes.use(segment.id, 1)
    repo.takes.use(segment.id, 2)
    assert repo.get_segment(segment.id).audio_timings == old  # type: ignore[union-attr]


def test_a_trimmed_start_moves_the_sentences_earlier(tmp_path: Path) -> None:
    rate = 24_000
    sf.write(str(tmp_path / "a.wav"), np.zeros(2 * rate, np.float32), rate)
    layout = plan_book(
        [BookChapter("", (tmp_path / "a.wav",), cuts=((0.5, 0.0),))], pause=0.5, chapter_pause=0
    )
    timings = layout_timings(
        layout, ["One. Two."], [[Sentence(0.5, 1.0, "One."), Sentence(1.25, 2.0, "Two.")]]
    )
    cues = sentence_cues(timings)
    assert [(c.start, c.end, c.text) for c in cues] == [
        pytest.approx((0.0, 0.5, "One.")),
        pytest.approx((0.75, 1.5, "Two.")),
    ]
