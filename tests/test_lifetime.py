"""Lifetime and threading (issue 12 items 13 and 14): the worker abstraction, shutdown against one
deadline without unlocking while a worker lives, a cancellable model preparation, guarded emits,
unique `.previous` copies, and a bounded waveform cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import shiboken6
import soundfile as sf
from PySide6.QtCore import QThreadPool

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.app.datalock import DataDirInUse
from narrator_app.app.jobs import JobSignals, prepare_model
from narrator_app.app.workers import Deadline, Worker, WorkerRegistry, WorkerSignals, WorkerState
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.audio_files import replacing

MakeController = Callable[..., Controller]


def _wav(path: Path, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros(int(24_000 * seconds), np.float32), 24_000, subtype="PCM_16")


def test_a_result_known_at_once_still_arrives_from_the_event_loop(qapp) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.workers import connect_queued

    signals = WorkerSignals()
    seen: list[object] = []
    connect_queued(signals.returned, seen.append)
    Worker(lambda _state: None, signals).deliver("cached")
    assert seen == []
    qapp.processEvents()
    assert seen == ["cached"]


def test_an_emit_after_the_receiver_was_deleted_is_dropped(qapp) -> None:  # type: ignore[no-untyped-def]
    signals = WorkerSignals()
    reached: list[str] = []

    def work(state: WorkerState) -> str:
        reached.append("ran")
        return "late"

    worker = Worker(work, signals)
    shiboken6.delete(signals)  # the window (and its controller) went away meanwhile
    worker.run()  # on this thread: an exception here would be one in a worker thread
    assert reached == ["ran"]
    assert worker.state.emit(signals.returned, "x") is False


def test_waits_of_a_shutdown_share_one_deadline(qapp) -> None:  # type: ignore[no-untyped-def]
    registry = WorkerRegistry()
    gate = threading.Event()
    pools = [QThreadPool() for _ in range(3)]
    for pool in pools:
        Worker(lambda _state: gate.wait(10), registry=registry).start(pool)
    try:
        started = time.monotonic()
        assert registry.wait(Deadline(1_000)) is False
        elapsed = time.monotonic() - started
        assert 0.9 <= elapsed < 3 * 1.0  # one deadline for the three pools, not one after another
        assert len(registry.live()) == 3
    finally:
        gate.set()
    assert registry.wait(Deadline(10_000)) is True and registry.live() == []


def test_shutdown_past_its_deadline_keeps_the_database_and_the_lock_until_the_worker_ends(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("Held in the model. Second sentence.")
    fake_kokoro.hold()
    task_id = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(task_id).status is TaskStatus.RUNNING)
    preview = c.previews.request("af_heart", "en-us")  # waits for the same (held) model
    assert preview > 0

    qtbot.waitUntil(lambda: len(fake_kokoro.calls) == 2, timeout=10_000)  # both inside the model
    assert c.shutdown(timeout_ms=200) is False  # the model does not return within the deadline
    assert c.generation.task(task_id).status is TaskStatus.CANCELLED
    with pytest.raises(DataDirInUse):  # still held: a worker may still write
        Controller(c.data_dir, fake_model_dir)
    assert c.repository.get_segment(segment.id) is not None  # and the database still open

    fake_kokoro.release()
    assert c.workers.wait(Deadline(20_000))
    qtbot.waitUntil(lambda: _can_open(c.data_dir, fake_model_dir), timeout=10_000)
    assert c.shutdown() is True  # a second shutdown is a no-op


def _can_open(data_dir: Path, model_dir: Path) -> bool:
    try:
        other = Controller(data_dir, model_dir)
    except DataDirInUse:
        return False
    other.shutdown()
    return True


def test_shutdown_in_time_releases_everything(make_controller: MakeController, fake_model_dir: Path) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add("Nothing runs.")
    assert c.shutdown(timeout_ms=5_000) is True
    assert _can_open(c.data_dir, fake_model_dir)


class _SlowAssembly:
    """A loader whose bundled model takes many pieces to assemble."""

    def __init__(self) -> None:
        self.pieces = 0
        self.loaded = False

    def prepare(self, on_progress: Callable[[float], None]) -> None:
        for n in range(1, 101):
            self.pieces = n
            on_progress(n / 100)

    def get_model(self) -> None:
        self.loaded = True

    def warm_up(self) -> None:
        raise AssertionError("not after an abort")


def test_the_model_preparation_stops_when_aborted(qapp) -> None:  # type: ignore[no-untyped-def]
    loader = _SlowAssembly()
    signals = JobSignals()
    prepared: list[str] = []
    signals.model_prepared.connect(prepared.append)
    worker = Worker(prepare_model(loader, signals, load=True), signals)  # type: ignore[arg-type]
    signals.model_progress.connect(lambda fraction: worker.abort() if fraction >= 0.1 else None)
    worker.run()
    qapp.processEvents()
    assert loader.pieces == 11  # stopped at the next piece after the abort
    assert not loader.loaded and prepared == []  # nothing loaded, nothing reported


def test_each_replacement_keeps_its_own_previous_copy(tmp_path: Path) -> None:
    """A cancelled job and its replacement on one segment can interleave: with one fixed
    `.previous` name the second took (and removed) the first's copy of the recorded audio."""
    path = tmp_path / "segment_1.wav"
    _wav(path, 1.0)  # the recorded audio
    first, second = tmp_path / ".a.wav", tmp_path / ".b.wav"
    _wav(first, 2.0)
    _wav(second, 3.0)
    with pytest.raises(RuntimeError, match="the first job failed"):
        with replacing(path, first):
            with replacing(path, second):
                pass  # the second one committed
            raise RuntimeError("the first job failed")
    # The first put back what it had set aside: the recorded audio, intact.
    assert sf.info(str(path)).duration == pytest.approx(1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["segment_1.wav"]


def test_the_waveform_cache_keeps_at_most_its_limit(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.waveforms import WaveformCache

    cache = WaveformCache(limit=3)
    paths = [tmp_path / f"{n}.wav" for n in range(5)]
    for path in paths:
        _wav(path, 0.2)
    for path in paths:
        assert cache.peaks(path) is None  # computing
        qtbot.waitUntil(lambda path=path: cache.peaks(path) is not None, timeout=10_000)
    assert len(cache) == 3
    assert cache.peaks(paths[-1]) is not None  # the newest are kept
    assert cache.peaks(paths[0]) is None  # the oldest was dropped: computed again when asked
    assert cache.wait(10_000)
