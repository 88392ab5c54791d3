"""Takes in the store (revision 0006): numbering, the current take as the segment's audio, the
limit, deleting, trimming, undo, and set_audio beside them."""

from __future__ import annotations

import math
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from narrator_app.store import Repository, SegmentRecord, TakeError, TakeRecord, open_database


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "narrator.sqlite3"))


def _segment(repo: Repository, text: str = "A line.") -> SegmentRecord:
    return repo.add_segment(repo.ensure_project().id, text)


def _add(repo: Repository, segment_id: int, n: int, **options: object) -> tuple[TakeRecord, list[TakeRecord]]:
    added = repo.takes.add(
        segment_id,
        f"audio/1/segment_{segment_id}_take{n}.wav",
        float(n),
        f'{{"n": {n}}}',
        "af_heart",
        1.0,
        **options,  # type: ignore[arg-type]
    )
    assert added is not None
    return added


def _audio(repo: Repository, segment_id: int) -> tuple[str | None, float | None, str | None]:
    record = repo.get_segment(segment_id)
    assert record is not None
    return record.audio_file, record.audio_duration, record.audio_fingerprint


def test_each_render_is_a_take_and_the_newest_is_the_segments_audio(repo: Repository) -> None:
    segment = _segment(repo)
    first, dropped = _add(repo, segment.id, 1)
    assert dropped == [] and (first.number, first.current) == (1, True)
    second, _ = _add(repo, segment.id, 2)
    assert second.number == 2 and second.current
    assert [(t.number, t.current) for t in repo.takes.of(segment.id)] == [(1, False), (2, True)]
    assert _audio(repo, segment.id) == (second.audio_file, 2.0, '{"n": 2}')
    assert repo.takes.current(segment.id) == second
    used = repo.takes.use(segment.id, 1)
    assert used is not None and used.current and used.number == 1
    assert _audio(repo, segment.id) == (first.audio_file, 1.0, '{"n": 1}')
    assert [(t.number, t.current) for t in repo.takes.of(segment.id)] == [(1, True), (2, False)]
    assert repo.takes.use(segment.id, 9) is None
    assert repo.takes.counts(segment.project_id) == {segment.id: 2}


def test_a_take_not_made_current_leaves_the_audio(repo: Repository) -> None:
    segment = _segment(repo)
    _add(repo, segment.id, 1)
    extra, _ = _add(repo, segment.id, 2, make_current=False)
    assert not extra.current
    assert _audio(repo, segment.id)[0] == "audio/1/segment_1_take1.wav"


def test_take_numbers_are_never_reused(repo: Repository) -> None:
    segment = _segment(repo)
    for n in (1, 2, 3):
        _add(repo, segment.id, n)
    repo.takes.use(segment.id, 2)
    deleted = repo.takes.delete(segment.id, 3)
    assert deleted is not None and deleted.number == 3 and not deleted.current
    again, _ = _add(repo, segment.id, 4)
    assert again.number == 4
    assert [t.number for t in repo.takes.of(segment.id)] == [1, 2, 4]


def test_the_limit_drops_the_oldest_takes_that_are_not_current(repo: Repository) -> None:
    segment = _segment(repo)
    for n in (1, 2, 3):
        _add(repo, segment.id, n)
    newest, dropped = _add(repo, segment.id, 4, limit=3)  # 4 is current now: 1 is the oldest spare
    assert newest.current and [t.number for t in dropped] == [1]
    assert dropped[0].audio_file == "audio/1/segment_1_take1.wav"  # for the caller to delete
    repo.takes.use(segment.id, 2)  # the oldest left is the one in use: it stays
    kept, dropped = _add(repo, segment.id, 5, limit=3, make_current=False)
    assert not kept.current and [t.number for t in dropped] == [3]
    assert [(t.number, t.current) for t in repo.takes.of(segment.id)] == [(2, True), (4, False), (5, False)]
    _, dropped = _add(repo, segment.id, 6, limit=1)
    assert [t.number for t in dropped] == [2, 4, 5]
    assert [t.number for t in repo.takes.of(segment.id)] == [6]
    with pytest.raises(TakeError, match="at least one take"):
        _add(repo, segment.id, 7, limit=0)
    assert [t.number for t in repo.takes.of(segment.id)] == [6]


def test_no_take_for_a_deleted_or_locked_segment(repo: Repository) -> None:
    segment = _segment(repo)
    repo.update_segment(segment.id, locked=True)
    assert repo.takes.add(segment.id, "a.wav", 1.0, None, None, None, unless_locked=True) is None
    assert repo.takes.of(segment.id) == [] and _audio(repo, segment.id) == (None, None, None)
    assert repo.takes.add(404, "a.wav", 1.0, None, None, None) is None


def test_the_current_take_is_deleted_only_when_it_is_the_only_one(repo: Repository) -> None:
    segment = _segment(repo)
    _add(repo, segment.id, 1)
    _add(repo, segment.id, 2)
    with pytest.raises(TakeError, match="Take 2 is the one segment .* uses; use another take first"):
        repo.takes.delete(segment.id, 2)
    assert len(repo.takes.of(segment.id)) == 2 and _audio(repo, segment.id)[1] == 2.0
    assert repo.takes.delete(segment.id, 1) is not None
    only = repo.takes.delete(segment.id, 2)
    assert only is not None and only.current
    assert repo.takes.of(segment.id) == [] and _audio(repo, segment.id) == (None, None, None)
    assert repo.takes.delete(segment.id, 2) is None


def test_a_deleted_take_comes_back_as_it_was(repo: Repository) -> None:
    segment = _segment(repo)
    _add(repo, segment.id, 1)
    repo.takes.set_trim(segment.id, 1, 0.25, 0.1)
    before = repo.takes.of(segment.id)
    deleted = repo.takes.delete(segment.id, 1)
    assert deleted is not None
    repo.takes.restore([deleted])
    assert repo.takes.of(segment.id) == before
    assert _audio(repo, segment.id) == ("audio/1/segment_1_take1.wav", 1.0, '{"n": 1}')
    assert _add(repo, segment.id, 2)[0].number == 2


def test_trims_are_checked_and_kept(repo: Repository) -> None:
    segment = _segment(repo)
    _add(repo, segment.id, 2)  # take 1, 2.0 s
    trimmed = repo.takes.set_trim(segment.id, 1, 0.5, 0.25)
    assert trimmed is not None and (trimmed.trim_start, trimmed.trim_end) == (0.5, 0.25)
    assert math.isclose(trimmed.trimmed_duration, 1.25)
    with pytest.raises(TakeError, match="leaves nothing of take 1 .* lasts 2.00 s"):
        repo.takes.set_trim(segment.id, 1, 1.5, 0.5)
    for bad in ((-0.1, 0.0), (0.0, math.nan)):
        with pytest.raises(TakeError, match="0 or more"):
            repo.takes.set_trim(segment.id, 1, *bad)
    assert repo.takes.of(segment.id) == [trimmed]  # refusals changed nothing
    restored = repo.takes.set_trim(segment.id, 1, 0, 0)
    assert restored is not None and restored.trimmed_duration == 2.0
    assert repo.takes.set_trim(segment.id, 7, 0, 0) is None


def test_a_deleted_segment_takes_its_takes_and_undo_brings_them_back(repo: Repository) -> None:
    segment = _segment(repo)
    keep = repo.add_segment(segment.project_id, "Another.")
    _add(repo, segment.id, 1)
    _add(repo, segment.id, 2)
    repo.takes.use(segment.id, 1)
    takes = tuple(repo.takes.of(segment.id))
    deleted = repo.delete_segment(segment.id)
    assert deleted is not None and repo.takes.of(segment.id) == []
    assert repo.takes.counts(segment.project_id) == {}
    repo.apply_step(segment.project_id, restore=(deleted,), order=(segment.id, keep.id), takes=takes)
    assert repo.takes.of(segment.id) == list(takes)
    assert _audio(repo, segment.id) == ("audio/1/segment_1_take1.wav", 1.0, '{"n": 1}')
    assert _add(repo, segment.id, 3)[0].number == 3


def test_set_audio_keeps_working_beside_takes(repo: Repository) -> None:
    segment = _segment(repo)
    take, _ = _add(repo, segment.id, 1)
    # The same file rendered again in place: the current take follows it.
    assert repo.set_audio(segment.id, take.audio_file, 1.5, '{"n": "again"}')
    current = repo.takes.current(segment.id)
    assert current is not None and (current.duration, current.fingerprint) == (1.5, '{"n": "again"}')
    # Another file: the segment's audio is as set_audio always made it, and no take is current.
    assert repo.set_audio(segment.id, "audio/1/segment_1.wav", 3.0, "{}")
    assert _audio(repo, segment.id) == ("audio/1/segment_1.wav", 3.0, "{}")
    assert repo.takes.current(segment.id) is None
    assert [t.current for t in repo.takes.of(segment.id)] == [False]
    assert repo.takes.of(segment.id)[0].duration == 1.5  # the take itself untouched
    repo.takes.use(segment.id, 1)
    assert repo.set_audio(segment.id, None, None, None)  # cleared, as recovery does
    assert repo.takes.current(segment.id) is None and _audio(repo, segment.id) == (None, None, None)
    assert not repo.set_audio(404, "x.wav", 1.0, None)


def test_the_database_itself_unsets_a_deleted_current_take(repo: Repository, tmp_path: Path) -> None:
    segment = _segment(repo)
    take, _ = _add(repo, segment.id, 1)
    with closing(sqlite3.connect(tmp_path / "narrator.sqlite3")) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM takes WHERE id = ?", (take.id,))
        conn.commit()
        assert conn.execute(
            "SELECT current_take_id FROM segments WHERE id = ?", (segment.id,)
        ).fetchone() == (None,)
