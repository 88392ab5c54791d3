"""Per-segment direction in the store (revision 0005): speed and pause after, kept, cleared, restored."""

from __future__ import annotations

from pathlib import Path

import pytest

from migration_fixtures import make_first_release_database
from narrator_app.store import Repository, SegmentRecord, open_database
from narrator_app.store.repository import KEEP


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_database(tmp_path / "narrator.sqlite3"))


def test_speed_and_pause_are_set_kept_and_cleared_one_at_a_time(repo: Repository, tmp_path: Path) -> None:
    project = repo.ensure_project()
    segment = repo.add_segment(project.id, "A slow line.")
    assert (segment.speed, segment.pause_after) == (None, None)
    slow = repo.set_segment_direction(segment.id, speed=0.8)
    assert slow is not None and (slow.speed, slow.pause_after) == (0.8, None)
    assert slow.updated_at >= segment.updated_at
    paused = repo.set_segment_direction(segment.id, pause_after=2.5)  # speed left as it is
    assert paused is not None and (paused.speed, paused.pause_after) == (0.8, 2.5)
    same = repo.set_segment_direction(segment.id, speed=KEEP, pause_after=KEEP)
    assert same == paused  # nothing changed, not even updated_at
    cleared = repo.set_segment_direction(segment.id, speed=None)
    assert cleared is not None and (cleared.speed, cleared.pause_after) == (None, 2.5)
    # What is stored is what comes back after reopening.
    again = Repository(open_database(tmp_path / "narrator.sqlite3")).get_segment(segment.id)
    assert again is not None and (again.speed, again.pause_after) == (None, 2.5)


def test_direction_of_a_missing_segment_is_none(repo: Repository) -> None:
    assert repo.set_segment_direction(404, speed=1.2) is None


def test_undo_of_a_delete_brings_the_direction_back(repo: Repository) -> None:
    project = repo.ensure_project()
    first, second = repo.add_segments(project.id, ["One.", "Two."])
    directed = repo.set_segment_direction(second.id, speed=1.5, pause_after=0.25)
    assert directed is not None
    deleted = repo.delete_segment(second.id)
    assert deleted is not None and (deleted.speed, deleted.pause_after) == (1.5, 0.25)
    repo.apply_step(project.id, restore=(deleted,), order=(first.id, second.id))
    back = repo.get_segment(second.id)
    assert back is not None and (back.text, back.speed, back.pause_after) == ("Two.", 1.5, 0.25)


def test_records_made_by_hand_keep_working_without_direction() -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    record = SegmentRecord(1, 1, 0, "x", False, None, None, None, now, now, "af_heart", 3)
    assert (record.speed, record.pause_after) == (None, None)


def test_segments_of_older_databases_have_no_direction_of_their_own(tmp_path: Path) -> None:
    path = tmp_path / "narrator.sqlite3"
    make_first_release_database(path)
    repo = Repository(open_database(path))
    assert [(s.speed, s.pause_after) for s in repo.list_segments(1)] == [(None, None), (None, None)]
