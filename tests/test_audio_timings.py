"""Recorded chunk timings (revision 0007): stored with the audio in set_audio's one UPDATE, cleared with
the audio and when another take's file becomes the audio; read back as sentences; time left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrator_app.engine.parts import Spoken
from narrator_app.engine.timings import sentences_from_json, timings_json
from narrator_app.store import Repository, open_database


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "narrator.sqlite3"))


def test_timings_go_with_the_audio_and_are_cleared_with_it(repo: Repository) -> None:
    segment = repo.add_segment(repo.ensure_project().id, "One. Two.")
    timings = timings_json([Spoken(0.0, 1.25, "One. Two.", 0)])
    assert repo.set_audio(segment.id, "audio/1/a.wav", 1.3, "{}", timings=timings)
    assert repo.get_segment(segment.id).audio_timings == timings  # type: ignore[union-attr]
    assert json.loads(timings or "") == [[0.0, 1.25, "One. Two."]]
    assert repo.set_audio(segment.id, None, None, None, timings=timings)  # cleared: timings go too
    assert repo.get_segment(segment.id).audio_timings is None  # type: ignore[union-attr]

    # A take made current has another file: its timings are unknown.
    repo.takes.add(segment.id, "audio/1/t1.wav", 1.0, "{}", "af_heart", 1.0)
    repo.takes.add(segment.id, "audio/1/t2.wav", 1.0, "{}", "af_heart", 1.0)
    assert repo.set_audio(segment.id, "audio/1/t2.wav", 1.0, "{}", timings=timings)
    assert repo.get_segment(segment.id).audio_timings == timings  # type: ignore[union-attr]
    repo.takes.use(segment.id, 1)
    assert repo.get_segment(segment.id).audio_timings is None  # type: ignore[union-attr]


def test_sentences_of_a_chunk_share_its_time_and_keep_its_ends() -> None:
    data = timings_json([Spoken(0.0, 2.0, "Short. A longer one here.", 0), Spoken(2.5, 3.0, "End.", 0)])
    sentences = sentences_from_json(data)
    assert sentences is not None
    assert [s.text for s in sentences] == ["Short.", "A longer one here.", "End."]
    assert (sentences[0].start, sentences[1].end, sentences[2].start, sentences[2].end) == (
        0.0,
        2.0,
        2.5,
        3.0,
    )
    assert 0.0 < sentences[0].end == sentences[1].start < 1.0  # by length: "Short." is the smaller share
    assert sentences_from_json(None) is None and sentences_from_json("not json") is None


def test_time_left_comes_from_elapsed_time_and_the_fraction_done(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.exporting import Exports

    exports = Exports(None, lambda record: (None, ""))  # type: ignore[arg-type]
    assert exports.time_left(0.5) is None  # not started
    exports._started_at = 100.0
    assert exports.time_left(0.25, now=110.0) == pytest.approx(30.0)
    assert exports.time_left(0.01, now=110.0) is None  # too early to tell
