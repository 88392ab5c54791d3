"""Issue 18 in the window: the takes panel (list, play, A/B, use, delete, undo), the row's take count
and heard (trimmed) duration, and playback of only the trimmed part of a take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fakes import FakeKokoro
from narrator_app.core.rules import Refusal
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.segment_model import Column
from narrator_app.ui.takes_panel import NO_SEGMENT, NO_TAKES, age
from window_support import MakeWindow, cell, window_maker


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> MakeWindow:  # type: ignore[no-untyped-def]
    return window_maker(qtbot, tmp_path / "data")


def render(qtbot, window: MainWindow, segment_id: int, takes: int) -> None:  # type: ignore[no-untyped-def]
    """Generate the selected segment's audio and wait until the panel lists `takes` takes."""
    window.select_segment(segment_id)
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: len(window.takes_panel.takes) == takes, timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, segment_id, Column.STATUS) == "Ready", timeout=10_000)


def texts(window: MainWindow) -> list[list[str]]:
    """The panel's rows as shown: take, length, voice, speed, made, note."""
    view = window.takes_panel.list
    return [
        [view.topLevelItem(row).text(column) for column in range(view.columnCount())]  # type: ignore[union-attr]
        for row in range(view.topLevelItemCount())
    ]


def test_age_in_words() -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert age(now - timedelta(seconds=20), now) == "just now"
    assert age(now - timedelta(minutes=3, seconds=10), now) == "3 min ago"
    assert age(now - timedelta(hours=2, minutes=5), now) == "2 h ago"
    assert age(now - timedelta(days=1, hours=1), now) == "yesterday"
    assert age(now - timedelta(days=4), now) == "4 days ago"
    assert age((now - timedelta(days=30)).replace(tzinfo=None), now).startswith("2025-12-")


def test_empty_states_say_what_to_do(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    panel = window.takes_panel
    assert panel.isVisible() and panel.empty.isVisible() and not panel.list.isVisible()
    assert panel.empty.text() == NO_SEGMENT
    segment = window.controller.segments.add("Not generated yet.")
    window.select_segment(segment.id)
    assert panel.empty.text() == NO_TAKES and "Generate audio makes one" in NO_TAKES
    assert panel.title.text() == "&Takes of segment 1"
    for button in (panel.play_button, panel.ab_button, panel.use_button, panel.delete_button):
        assert not button.isEnabled()
    assert not panel.trim_button.isEnabled()  # no take to trim


def test_two_renders_use_the_first_take_outdated_and_undo(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    panel = window.takes_panel
    segment = c.segments.add(
        "One sentence.Another one."
    )  # no space after the stops: one sentence to Narrator, one 0.5 s tone per stop from the fake
    render(qtbot, window, segment.id, takes=1)
    assert cell(window, segment.id, Column.DURATION) == "0:01.0"  # one take: no count shown
    c.settings.update(speed=2.0)  # the fake speaks faster: take 2 is shorter
    assert cell(window, segment.id, Column.STATUS) == "Outdated"
    render(qtbot, window, segment.id, takes=2)

    rows = texts(window)
    assert [r[0] for r in rows] == ["1", "2"]
    assert [r[1] for r in rows] == ["0:01.0", "0:00.5"]
    assert [r[3] for r in rows] == ["1×", "2×"]
    assert rows[0][4] == rows[1][4] == "just now"
    assert rows[0][5] == "outdated" and rows[1][5] == "in use"  # take 1 was made at speed 1
    assert panel.title.text() == "&Takes of segment 1 (2)"
    assert cell(window, segment.id, Column.DURATION) == "0:00.5 · 2 takes"
    assert "2 takes" in str(cell(window, segment.id, Column.DURATION, Qt.ItemDataRole.ToolTipRole))

    panel.select(2)
    assert not panel.use_button.isEnabled()  # already in use
    assert not panel.delete_button.isEnabled()  # the take in use stays while there are others
    panel.select(1)
    assert panel.use_button.isEnabled() and panel.delete_button.isEnabled()
    panel.use_button.click()
    record = c.segments.get(segment.id)
    assert record is not None and record.audio_file == panel.takes[0].audio_file
    assert [t.current for t in panel.takes] == [True, False]
    assert texts(window)[0][5] == "in use · outdated"
    assert cell(window, segment.id, Column.STATUS) == "Outdated"  # speed 1 take, speed 2 setting
    assert "speed" in str(cell(window, segment.id, Column.STATUS, Qt.ItemDataRole.ToolTipRole))
    assert cell(window, segment.id, Column.DURATION) == "0:01.0 · 2 takes"
    assert panel.selected_numbers() == [1]  # the selection survives the refresh

    assert window.commands.undo.text() == "&Undo Use take"
    window.commands.undo.trigger()
    assert [t.current for t in panel.takes] == [False, True]
    assert cell(window, segment.id, Column.STATUS) == "Ready"
    assert cell(window, segment.id, Column.DURATION) == "0:00.5 · 2 takes"
    window.commands.redo.trigger()
    assert [t.current for t in panel.takes] == [True, False]


def test_delete_a_take_confirm_and_undo(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    panel = window.takes_panel
    segment = c.segments.add("Three takes of this.")
    for n in (1, 2, 3):
        render(qtbot, window, segment.id, takes=n)
    assert cell(window, segment.id, Column.DURATION) == "0:00.5 · 3 takes"
    first = c.takes.path(panel.takes[0])
    asked: list[int] = []
    panel.confirm_delete = lambda number: asked.append(number) or False  # type: ignore[func-returns-value]
    panel.select(1)
    panel.delete_button.click()
    assert asked == [1] and len(panel.takes) == 3  # said no: nothing deleted

    panel.confirm_delete = lambda number: True
    panel.delete_button.click()
    assert [t.number for t in panel.takes] == [2, 3]
    assert cell(window, segment.id, Column.DURATION) == "0:00.5 · 2 takes"
    assert window.commands.undo.text() == "&Undo Delete take"
    window.commands.undo.trigger()
    assert [t.number for t in panel.takes] == [1, 2, 3]
    assert c.takes.path(panel.takes[0]) == first and first.is_file()
    assert cell(window, segment.id, Column.DURATION) == "0:00.5 · 3 takes"


def test_a_trim_shows_in_the_duration_column_and_the_panel(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    c = window.controller
    segment = c.segments.add(
        "One.Two.Three.Four."
    )  # no space after the stops: one sentence to Narrator, one 0.5 s tone per stop from the fake
    render(qtbot, window, segment.id, takes=1)
    assert cell(window, segment.id, Column.DURATION) == "0:02.0"
    assert not isinstance(c.takes.trim(segment.id, 0.3, 0.4), Refusal)
    assert cell(window, segment.id, Column.DURATION) == "0:01.3"  # 2.0 - 0.3 - 0.4
    tip = str(cell(window, segment.id, Column.DURATION, Qt.ItemDataRole.ToolTipRole))
    assert "of its 0:02.0 take" in tip and "0.3 s at the start, 0.4 s at the end" in tip
    assert texts(window)[0][1] == "0:01.3 ✂"
    assert c.chapters.statuses()[0].duration == pytest.approx(1.3)  # the chapter's total, as heard
    window.commands.undo.trigger()  # Undo Trim take
    assert cell(window, segment.id, Column.DURATION) == "0:02.0"
    assert texts(window)[0][1] == "0:02.0"

    # "Trim…" opens Trim audio… on the take selected in the panel.
    window.takes_panel.select(1)
    assert window.takes_panel.trim_button.isVisible() and window.takes_panel.trim_button.isEnabled()
    window.takes_panel.trim_button.click()
    dialog = window.trim_dialog
    assert dialog.isVisible() and dialog.segment_id == segment.id
    assert dialog.take is not None and dialog.take.number == 1
    dialog.reject()


def test_the_take_count_is_read_per_refresh_not_per_paint(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(fake_model_dir, fake_kokoro)
    segment = window.controller.segments.add("Cheap to paint.")
    render(qtbot, window, segment.id, takes=1)
    calls: list[str] = []
    takes = window.controller.takes
    for name in ("counts", "trims", "list", "heard_duration"):
        real = getattr(takes, name)
        monkeypatch.setattr(takes, name, lambda *a, _r=real, _n=name: calls.append(_n) or _r(*a))
    for _ in range(50):
        cell(window, segment.id, Column.DURATION)
        cell(window, segment.id, Column.DURATION, Qt.ItemDataRole.ToolTipRole)
    window.table.viewport().repaint()
    assert calls == []


def spy_on_player(window: MainWindow) -> list[tuple[Path, tuple[float, float]]]:
    """Record what the player is asked to play (and play it)."""
    played: list[tuple[Path, tuple[float, float]]] = []
    real = window.player.play

    def play(path: Path, segment_id: int, trim: tuple[float, float] = (0.0, 0.0)) -> str | None:
        played.append((path, trim))
        return real(path, segment_id, trim)

    window.player.play = play  # type: ignore[method-assign]
    return played


def test_play_a_trimmed_take_plays_only_its_trimmed_part(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    c = window.controller
    panel = window.takes_panel
    segment = c.segments.add(
        "One.Two.Three.Four."
    )  # no space after the stops: one sentence to Narrator, one 0.5 s tone per stop from the fake: 2.0 s
    render(qtbot, window, segment.id, takes=1)
    assert not isinstance(c.takes.trim(segment.id, 0.6, 0.8), Refusal)  # heard: 0.6 s … 1.2 s
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)
    panel.select(1)
    with qtbot.waitSignal(window.player.finished, timeout=10_000):
        panel.play_button.click()
        qtbot.waitUntil(lambda: panel.play_button.text() == "Stop")  # the same button stops
    heard = [ms for ms in positions if ms > 0]
    assert heard and min(heard) >= 590  # never from the start of the file
    assert 1000 <= max(heard) <= 1300  # stopped at the trim's end (positions come every ~85 ms)
    qtbot.waitUntil(lambda: not window.player.is_playing)

    # Space (Play) on the row and Play all play the current take trimmed, too.
    played = spy_on_player(window)
    window.commands.play.trigger()
    qtbot.waitUntil(lambda: "/ 0:00.6" in window.player_label.text())  # the heard length
    window.commands.stop.trigger()
    with qtbot.waitSignal(window.playlist.ended, timeout=10_000):
        window.commands.play_all.trigger()
    assert [trim for _path, trim in played] == [(0.6, 0.8), (0.6, 0.8)]


def test_play_ab_plays_the_two_selected_takes_in_turn(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    if not window.player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {window.player.unavailable_reason}")
    c = window.controller
    panel = window.takes_panel
    segment = c.segments.add("Compare these.")
    for n in (1, 2, 3):
        render(qtbot, window, segment.id, takes=n)
    assert not isinstance(c.takes.trim(segment.id, 0.1, 0.1, number=3), Refusal)
    played = spy_on_player(window)
    panel.select(1)
    assert not panel.ab_button.isEnabled()  # one selected: nothing to compare
    panel.select(1, 3)
    assert panel.ab_button.isEnabled() and not panel.use_button.isEnabled()
    with qtbot.waitSignal(window.playlist.ended, timeout=10_000):
        panel.ab_button.click()
        qtbot.waitUntil(window.commands.stop.isEnabled)
    assert played == [
        (c.takes.path(panel.takes[0]), (0.0, 0.0)),
        (c.takes.path(panel.takes[2]), (0.1, 0.1)),
    ]
    assert window.current_id() == segment.id  # still the same row


def test_the_media_player_and_its_output_are_made_in_cpp_not_python(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Objects made from Python take the GIL in every virtual call, and QtMultimedia's threads call
    the audio output's disconnectNotify() holding a Qt lock: a test run once hung there for good."""
    from shiboken6 import Shiboken

    from narrator_app.ui.player import AudioPlayer

    player = AudioPlayer()
    if not player.available:
        pytest.fail(f"QtMultimedia is needed for this test: {player.unavailable_reason}")
    media = player._media_player()
    output = media.audioOutput()
    assert output is not None
    assert not Shiboken.createdByPython(media) and not Shiboken.createdByPython(output)
    player.shutdown()
    qtbot.waitUntil(lambda: not Shiboken.isValid(media))  # deleted with its output (its child)
