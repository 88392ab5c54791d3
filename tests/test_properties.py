"""Property-based: random sequences of controller operations keep the invariants.

Operations: add, edit, lock / unlock, move, delete, generate, generate all, cancel, let the model speak
one sentence, and settle (let every job finish). The FakeKokoro holds every job before each sentence,
so operations land while tasks are queued or running. Checked after every operation: at most one active
task per segment, task statuses only move forward, positions are a permutation of 0..n-1. Checked
whenever nothing is running: every recorded audio file exists, is complete and is as long as recorded.
(No undo: main has no undo API yet.)
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import soundfile as sf
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.core.rules import Refusal
from narrator_app.core.tasks import TaskStatus

_ORDER = {
    TaskStatus.PENDING: 0,
    TaskStatus.RUNNING: 1,
    TaskStatus.COMPLETED: 2,
    TaskStatus.FAILED: 2,
    TaskStatus.CANCELLED: 2,
}
texts = st.one_of(
    st.sampled_from(["One.", "Two. Three.", "Four! Five? Six.", "", "   ", "Seven.\nEight."]),
    st.text(max_size=40),
)


class ControllerMachine(RuleBasedStateMachine):
    qtbot: ClassVar[Any]
    model_dir: ClassVar[Path]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="narrator-prop-"))
        self.fake = FakeKokoro()
        self.fake.hold()
        fake = self.fake
        self.c = Controller(self.folder / "data", self.model_dir, model_factory=lambda files, threads: fake)
        self.seen: dict[str, TaskStatus] = {}

    def teardown(self) -> None:
        self.settle()
        self.c.shutdown()
        self.fake.release()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _ids(self) -> list[int]:
        return [s.id for s in self.c.segments.all()]

    def _pick(self, data: st.DataObject) -> int:
        ids = self._ids()
        return data.draw(st.sampled_from(ids)) if ids else 9999  # 9999: an id that does not exist

    @initialize(start=st.lists(texts, min_size=2, max_size=6))
    def some_segments(self, start: list[str]) -> None:
        for text in start:
            self.c.segments.add(text)

    @rule(text=texts, locked=st.booleans())
    def add(self, text: str, locked: bool) -> None:
        record = self.c.segments.add(text, locked=locked)
        assert record.text == text

    @rule(data=st.data(), text=texts)
    def edit(self, data: st.DataObject, text: str) -> None:
        segment_id = self._pick(data)
        before = self.c.segments.get(segment_id)
        result = self.c.segments.update(segment_id, text=text)
        if before is None or (before.is_locked and text != before.text):
            assert isinstance(result, Refusal)
        else:
            assert not isinstance(result, Refusal) and result.text == text

    @rule(data=st.data(), locked=st.booleans())
    def lock(self, data: st.DataObject, locked: bool) -> None:
        segment_id = self._pick(data)
        result = self.c.segments.update(segment_id, locked=locked)
        if not isinstance(result, Refusal):
            assert result.is_locked == locked
            if locked:
                assert self.c.tasks.active_for(segment_id) is None

    @rule(data=st.data(), offset=st.integers(-3, 3))
    def move(self, data: st.DataObject, offset: int) -> None:
        self.c.segments.move(self._pick(data), offset)

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        segment_id = self._pick(data)
        before = self.c.segments.get(segment_id)
        result = self.c.segments.delete(segment_id)
        if before is not None and not before.is_locked:
            assert not isinstance(result, Refusal) and self.c.segments.get(segment_id) is None
            assert self.c.tasks.active_for(segment_id) is None

    @rule(data=st.data())
    def generate(self, data: st.DataObject) -> None:
        segment_id = self._pick(data)
        result = self.c.generation.generate_audio(segment_id)
        record = self.c.segments.get(segment_id)
        if record is None or not record.text.strip() or record.is_locked:
            assert isinstance(result, Refusal)
        else:
            assert isinstance(result, str) and result.startswith(f"tts_{segment_id}_")

    @rule(regenerate=st.booleans())
    def generate_all(self, regenerate: bool) -> None:
        summary = self.c.generation.generate_all(regenerate=regenerate)
        assert not isinstance(summary, Refusal)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        segment_id = self._pick(data)
        self.c.generation.cancel_segment(segment_id)
        active = self.c.tasks.active_for(segment_id)
        # Only a task recording its finished audio cannot be cancelled any more.
        assert active is None or active.status is TaskStatus.RUNNING

    @rule()
    def speak_one_sentence(self) -> None:
        """Let the running job (if any; else the next one) through one more sentence."""
        self.fake.step()

    @rule()
    def settle(self) -> None:
        """Let every job finish, then check the files: nothing is being written now."""
        self.fake.release()
        self.qtbot.waitUntil(lambda: not self.c.tasks.has_active(), timeout=30_000)
        self.c.generation.wait()
        self.fake.hold()
        self.check_tasks()
        for record in self.c.segments.all():
            if record.audio_file is None:
                continue
            path = self.c.data_dir / record.audio_file
            samples, rate = sf.read(str(path), dtype="float32")
            assert len(samples) and np.isfinite(samples).all()
            assert len(samples) / rate == record.audio_duration
        audio = self.c.data_dir / "audio"
        assert not [p for p in audio.rglob(".*")] if audio.exists() else True

    @invariant()
    def check_tasks(self) -> None:
        active: dict[int, int] = {}
        for info in self.c.tasks.all():
            if info.status.is_active:
                active[info.segment_id] = active.get(info.segment_id, 0) + 1
            before = self.seen.get(info.task_id)
            if before is not None:
                moved_on = _ORDER[info.status] > _ORDER[before]
                assert info.status is before or moved_on, f"{info.task_id}: {before} → {info.status}"
            self.seen[info.task_id] = info.status
        assert all(n <= 1 for n in active.values()), active

    @invariant()
    def positions_are_a_permutation(self) -> None:
        positions = [s.position for s in self.c.segments.all()]
        assert sorted(positions) == list(range(len(positions)))


def test_random_operations_keep_the_invariants(qtbot, fake_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    ControllerMachine.qtbot = qtbot
    ControllerMachine.model_dir = fake_model_dir
    run_state_machine_as_test(
        ControllerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            derandomize=True,  # the same sequences on every run: CI is reproducible
            # No shrinking: with jobs to wait for it can outlast the test's timeout; a failure prints
            # its whole sequence of operations instead.
            phases=(Phase.explicit, Phase.generate),
        ),
    )
