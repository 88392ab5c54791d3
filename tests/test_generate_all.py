"""Generate all, the one-task-per-segment queue, cancel, and outdated audio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.core.batch import BatchSummary
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.fingerprint import Fingerprint, text_digest
from narrator_app.ui import build_main_window
from support import MakeController, wait_for_tasks


def generate_all(c: Controller, **kwargs: bool) -> BatchSummary:
    result = c.generation.generate_all(**kwargs)
    assert not isinstance(result, Refusal), result
    return result


def test_generate_all_skips_and_renders_only_what_changed(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:
    c = make_controller(real_model_dir)
    first = c.segments.add("The lamp was lit at dusk.")
    c.segments.add("   ")
    locked = c.segments.add("This one is locked.", locked=True)
    second = c.segments.add("Ships looked for the light all night.")

    summary = generate_all(c)
    assert (summary.queued, summary.skipped_locked, summary.skipped_empty, summary.skipped_unchanged) == (
        2,
        1,
        1,
        0,
    )
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert [c.generation.task(t).status for t in summary.task_ids] == [TaskStatus.COMPLETED] * 2
    assert c.segments.get(locked.id).audio_file is None  # locked: silently skipped
    assert c.generation.batch_state().finished and c.generation.batch_state().completed == 2
    audio = {s: (c.data_dir / c.segments.get(s).audio_file).read_bytes() for s in (first.id, second.id)}
    for s in (first.id, second.id):
        assert c.generation.audio_status(c.segments.get(s))[0] is AudioStatus.READY

    again = generate_all(c)
    assert (again.queued, again.skipped_unchanged) == (0, 2)

    c.segments.update(second.id, text="Ships looked for the light all the long night.")
    status, reason = c.generation.audio_status(c.segments.get(second.id))
    assert status is AudioStatus.OUTDATED and "text" in reason
    assert c.generation.audio_status(c.segments.get(first.id))[0] is AudioStatus.READY
    edited = generate_all(c)
    assert edited.queued == 1 and edited.skipped_unchanged == 1
    assert [c.generation.task(t).segment_id for t in edited.task_ids] == [second.id]
    wait_for_tasks(qtbot, c, edited.task_ids)
    assert c.generation.audio_status(c.segments.get(second.id))[0] is AudioStatus.READY
    assert (c.data_dir / c.segments.get(first.id).audio_file).read_bytes() == audio[first.id]  # untouched
    assert (c.data_dir / c.segments.get(second.id).audio_file).read_bytes() != audio[second.id]
    info = sf.info(str(c.data_dir / c.segments.get(second.id).audio_file))
    assert c.segments.get(second.id).audio_duration == pytest.approx(info.frames / info.samplerate)

    regenerate = generate_all(c, regenerate=True)
    assert regenerate.queued == 2 and regenerate.skipped_unchanged == 0 and regenerate.skipped_locked == 1
    c.generation.cancel_all()


def test_changing_voice_speed_or_language_makes_audio_outdated(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("Hello.")
    wait_for_tasks(qtbot, c, generate_all(c).task_ids)
    assert c.generation.audio_status(c.segments.get(segment.id))[0] is AudioStatus.READY
    for change, word in (
        ({"voice": "am_michael"}, "voice"),
        ({"speed": 1.5}, "speed"),
        ({"language": "en-gb"}, "language"),
    ):
        c.settings.update(**change)
        status, reason = c.generation.audio_status(c.segments.get(segment.id))
        assert status is AudioStatus.OUTDATED and word in reason
        wait_for_tasks(qtbot, c, generate_all(c).task_ids)
        assert c.generation.audio_status(c.segments.get(segment.id))[0] is AudioStatus.READY
    assert fake_kokoro.calls[-1][1:] == ("am_michael", 1.5, "en-gb")


def test_asking_again_for_a_queued_or_running_segment_returns_its_task(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    running = c.segments.add("One. Two.")
    waiting = c.segments.add("Three.")
    fake_kokoro.hold()
    first = c.generation.generate_audio(running.id)
    queued = c.generation.generate_audio(waiting.id)
    qtbot.waitUntil(lambda: c.generation.task(first).status is TaskStatus.RUNNING)
    assert c.generation.generate_audio(running.id) == first
    assert c.generation.generate_audio(waiting.id) == queued
    summary = generate_all(c)
    assert summary.task_ids == [first, queued]
    assert len(c.tasks.all()) == 2
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, [first, queued])
    assert c.generation.generate_audio(running.id) != first  # ended tasks are not reused


def test_cancel_ends_pending_at_once_and_running_at_the_next_chunk(
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
    make_controller: MakeController,
    fake_model_dir: Path,
    fake_kokoro: FakeKokoro,
) -> None:
    # As on a one-core machine: one job at a time, so which chunk is rendered when is known (two
    # jobs at once: test_a_batch_shares_the_cores_and_a_job_alone_gets_them_all).
    monkeypatch.setattr("narrator_app.engine.loader.available_cores", lambda: 1)
    c = make_controller(fake_model_dir, fake_kokoro)
    assert c.generation.pool.maxThreadCount() == 1
    done = c.segments.add("Finished before the cancel.")
    running = c.segments.add("Line one.")
    pending = [c.segments.add(f"Waiting {n}.") for n in range(3)]
    wait_for_tasks(qtbot, c, generate_all(c).task_ids)
    finished_before = {s.id: c.segments.get(s.id) for s in (done, running, *pending)}
    # Edit one segment so that Generate all renders it again, in three chunks (three lines).
    c.segments.update(running.id, text="Line one.\nLine two.\nLine three.")
    for p in pending:
        c.segments.update(p.id, text=f"Waiting longer {p.id}.")
    before = c.segments.get(running.id)
    before_bytes = (c.data_dir / before.audio_file).read_bytes()

    fake_kokoro.hold()
    calls_before = len(fake_kokoro.calls)
    summary = generate_all(c)
    assert summary.skipped_unchanged == 1  # `done` is up to date
    running_task, *pending_tasks = summary.task_ids
    qtbot.waitUntil(lambda: c.generation.task(running_task).status is TaskStatus.RUNNING)
    c.generation.cancel_task(pending_tasks[0])
    assert (
        c.generation.task(pending_tasks[0]).status is TaskStatus.CANCELLED
    )  # at once, not when its turn comes
    fake_kokoro.step()  # the first chunk is made
    qtbot.waitUntil(lambda: c.generation.progress_of(running_task) > 0)
    assert c.generation.cancel_all() == 3
    assert all(
        c.generation.task(t).status is TaskStatus.CANCELLED for t in [running_task, *pending_tasks]
    )  # now
    fake_kokoro.release()
    assert c.generation.wait(10_000)  # the worker stops at its next chunk boundary
    assert c.generation.task(running_task).status is TaskStatus.CANCELLED
    rendered = [call[0] for call in fake_kokoro.calls[calls_before:]]
    assert rendered == ["Line one.", "Line two."]  # the third chunk never started
    after = c.segments.get(running.id)
    assert (after.audio_file, after.audio_duration, after.audio_fingerprint) == (
        before.audio_file,
        before.audio_duration,
        before.audio_fingerprint,
    )
    assert (c.data_dir / after.audio_file).read_bytes() == before_bytes  # earlier audio kept
    for segment_id, record in finished_before.items():  # everything finished before kept its audio
        assert c.segments.get(segment_id).audio_file == record.audio_file
        assert (c.data_dir / record.audio_file).is_file()
    names = sorted(p.name for p in (c.data_dir / "audio" / "1").iterdir())
    # no partial or temp file: only the recorded takes
    assert names == sorted(Path(r.audio_file).name for r in finished_before.values())
    state = c.generation.batch_state()
    assert state.finished and (state.cancelled, state.completed) == (4, 0)


def test_an_edit_while_running_leaves_the_audio_outdated(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("The original text.")
    fake_kokoro.hold()
    task_id = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(task_id).status is TaskStatus.RUNNING)
    c.segments.update(segment.id, text="The text as it is now.")
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, [task_id])
    record = c.segments.get(segment.id)
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED and record.audio_file is not None
    assert Fingerprint.from_json(record.audio_fingerprint).text == text_digest("The original text.")
    status, reason = c.generation.audio_status(record)
    assert status is AudioStatus.OUTDATED and "text" in reason
    assert fake_kokoro.calls[0][0] == "The original text."


def test_a_pending_task_rechecks_the_rules_when_it_starts(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    blocker = c.segments.add("First in line.")
    to_lock = c.segments.add("Locked while waiting.")
    to_empty = c.segments.add("Emptied while waiting.")
    to_edit = c.segments.add("Edited while waiting.")
    fake_kokoro.hold()
    tasks = [c.generation.generate_audio(s.id) for s in (blocker, to_lock, to_empty, to_edit)]
    # As another Narrator process (the command line) would: straight to the database.
    c.repository.update_segment(to_lock.id, locked=True)
    c.repository.update_segment(to_empty.id, text="  ")
    c.repository.update_segment(to_edit.id, text="The newest words.")
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, tasks)
    locked_info, empty_info, edit_info = (c.generation.task(t) for t in tasks[1:])
    assert locked_info.status is TaskStatus.CANCELLED and "locked" in locked_info.message
    assert empty_info.status is TaskStatus.CANCELLED and "emptied" in empty_info.message
    assert edit_info.status is TaskStatus.COMPLETED
    assert fake_kokoro.calls[-1][0] == "The newest words."  # rendered as it was when its turn came
    assert c.generation.audio_status(c.segments.get(to_edit.id))[0] is AudioStatus.READY


def test_generate_all_is_refused_as_a_whole_without_a_model(
    make_controller: MakeController, tmp_path: Path
) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    c = make_controller(empty, FakeKokoro())
    c.segments.add("Words.")
    result = c.generation.generate_all()
    assert isinstance(result, Refusal) and result.reason is RefusalReason.MODEL_MISSING
    assert "voices-v1.0.bin" in result.message
    assert c.tasks.all() == []


def test_two_thousand_segments_queue_and_cancel(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    for n in range(2000):
        c.repository.add_segment(c.project.id, f"Segment number {n}.")
    fake_kokoro.hold()
    summary = generate_all(c)
    assert summary.queued == 2000 and len(set(summary.task_ids)) == 2000
    assert c.generation.batch_state().total == 2000
    assert c.generation.cancel_all() == 2000
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert c.generation.batch_state().cancelled == 2000 - c.generation.batch_state().completed


def test_the_command_line_contract(
    tmp_path: Path, real_model_dir: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    from narrator_app.cli import main

    def run(*args: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(tmp_path / "d"), "--model-dir", str(real_model_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    run("segments", "add", "One sentence.")
    run("segments", "add", "Locked.", "--locked")
    run("segments", "add", " ")
    code, out = run("generate-all")
    assert code == 0
    assert {
        k: out[k]
        for k in ("queued", "skipped_locked", "skipped_empty", "skipped_unchanged", "completed", "failed")
    } == {
        "queued": 1,
        "skipped_locked": 1,
        "skipped_empty": 1,
        "skipped_unchanged": 0,
        "completed": 1,
        "failed": 0,
    }
    assert out["tasks"][0]["status"] == "COMPLETED" and set(out["tasks"][0]) == {
        "task_id",
        "segment_id",
        "status",
        "message",
    }
    code, out = run("generate-all")
    assert code == 0 and out["queued"] == 0 and out["skipped_unchanged"] == 1 and out["tasks"] == []
    code, out = run("segments", "list")
    assert [s["audio_status"] for s in out["segments"]] == ["ready", "none", "none"]
    code, out = run("generate-all", "--all")
    assert code == 0 and out["queued"] == 1 and out["completed"] == 1


def test_locking_a_segment_cancels_its_generation_and_keeps_its_audio(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("Approved take.")
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(segment.id)])
    before = c.segments.get(segment.id)
    audio = (c.data_dir / before.audio_file).read_bytes()
    c.segments.update(segment.id, text="Approved take, said again.")
    fake_kokoro.hold()
    task_id = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(task_id).status is TaskStatus.RUNNING)
    c.segments.update(segment.id, locked=True)
    assert (
        c.generation.task(task_id).status is TaskStatus.CANCELLED
        and "locked" in c.generation.task(task_id).message
    )
    fake_kokoro.release()
    assert c.generation.wait(10_000)
    after = c.segments.get(segment.id)
    assert (after.audio_file, after.audio_fingerprint) == (before.audio_file, before.audio_fingerprint)
    assert (c.data_dir / after.audio_file).read_bytes() == audio


def test_generate_right_after_cancel_starts_a_new_task(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("One.\nTwo.")
    fake_kokoro.hold()
    first = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(first).status is TaskStatus.RUNNING)
    c.generation.cancel_task(first)
    second = c.generation.generate_audio(segment.id)
    # Registered PENDING; the pool's second thread may already have started it (RUNNING, held).
    assert second != first and c.generation.task(second).status in (TaskStatus.PENDING, TaskStatus.RUNNING)
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, [second])
    assert c.generation.task(first).status is TaskStatus.CANCELLED
    assert c.generation.task(second).status is TaskStatus.COMPLETED
    assert c.generation.audio_status(c.segments.get(segment.id))[0] is AudioStatus.READY


def test_a_batch_shares_the_cores_and_a_job_alone_gets_them_all(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    """On two cores a batch runs two jobs at once on one model loaded with one intra-op thread; a
    job alone gets a model with both. Cancel all stops both running jobs, and nothing is written."""
    monkeypatch.setattr("narrator_app.engine.loader.available_cores", lambda: 2)
    loads: list[int] = []  # the intra-op threads of every model loaded

    def factory(files: object, threads: int) -> FakeKokoro:
        loads.append(threads)
        return fake_kokoro

    c = Controller(tmp_path / "data", fake_model_dir, model_factory=factory)
    try:
        ids = [c.segments.add(f"Segment {n}.").id for n in range(3)]
        fake_kokoro.hold()
        summary = generate_all(c)
        qtbot.waitUntil(lambda: len(fake_kokoro.calls) == 2)  # two jobs rendering at once
        statuses = [c.generation.task(t).status for t in summary.task_ids]
        assert statuses == [TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.PENDING]
        assert len(fake_kokoro.threads) == 2 and loads == [1]  # one model for both, one thread each
        fake_kokoro.step()  # one of them is done: the third starts beside the other, as it is
        qtbot.waitUntil(lambda: len(fake_kokoro.calls) == 3)
        fake_kokoro.release()
        wait_for_tasks(qtbot, c, summary.task_ids)
        assert all(c.generation.task(t).status is TaskStatus.COMPLETED for t in summary.task_ids)
        assert loads == [1]  # the command line does not load it again once the batch is over

        alone = c.generation.generate_audio(ids[0])  # a job alone: both cores, so the model is loaded again
        wait_for_tasks(qtbot, c, [alone])
        assert c.generation.task(alone).status is TaskStatus.COMPLETED
        assert loads == [1, 2] and c.loader.loaded_threads == 2

        # Cancel all while two run: both end at once, and write nothing at their next chunk.
        before = {i: (c.data_dir / c.segments.get(i).audio_file).read_bytes() for i in ids}
        for i in ids:
            c.segments.update(i, text=f"Changed {i}. Two sentences.")
        fake_kokoro.hold()
        again = generate_all(c)
        qtbot.waitUntil(
            lambda: sum(c.generation.task(t).status is TaskStatus.RUNNING for t in again.task_ids) == 2
        )
        assert c.generation.cancel_all() == 3
        assert all(c.generation.task(t).status is TaskStatus.CANCELLED for t in again.task_ids)
        fake_kokoro.release()
        assert c.generation.wait(10_000)
        assert all(c.generation.task(t).status is TaskStatus.CANCELLED for t in again.task_ids)
        for i in ids:
            assert (c.data_dir / c.segments.get(i).audio_file).read_bytes() == before[i]
        names = sorted(p.name for p in (c.data_dir / "audio" / "1").iterdir())
        # no partial or temporary file: only the recorded takes (segment 1 has two)
        takes = [t for i in ids for t in c.takes.list(i)]  # type: ignore[union-attr]
        assert names == sorted(Path(t.audio_file).name for t in takes) and len(takes) == len(ids) + 1
    finally:
        c.shutdown()


def test_the_window_loads_the_model_for_a_job_alone_again_once_a_batch_ends(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    monkeypatch.setattr("narrator_app.engine.loader.available_cores", lambda: 2)
    loads: list[int] = []

    def factory(files: object, threads: int) -> FakeKokoro:
        loads.append(threads)
        return fake_kokoro

    window = build_main_window(tmp_path / "data", fake_model_dir, model_factory=factory)
    qtbot.addWidget(window)
    window.show()
    c = window.controller
    qtbot.waitUntil(lambda: c.loader.loaded_threads == 2)  # loaded at start-up, for a job alone
    ids = [c.segments.add(f"Segment {n}.").id for n in range(3)]
    fake_kokoro.hold()
    summary = generate_all(c)
    qtbot.waitUntil(lambda: len(fake_kokoro.calls) == 2)
    qtbot.waitUntil(
        lambda: window.batch_status.label.text().startswith("Generating: 2 running, 3 of 3 left — ")
    )
    fake_kokoro.step()  # the third job starts beside the second: all three with one thread
    qtbot.waitUntil(lambda: len(fake_kokoro.calls) == 3)
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, summary.task_ids)
    assert loads[:2] == [2, 1]
    # A moment after the batch ended, the window loaded the model again with both threads, in the
    # background, so that the next single job need not wait for it.
    assert loads == [2, 1]
    qtbot.waitUntil(lambda: loads == [2, 1, 2], timeout=10_000)
    qtbot.waitUntil(lambda: c.loader.loaded_threads == 2)
    alone = c.generation.generate_audio(ids[0])
    wait_for_tasks(qtbot, c, [alone])
    assert c.generation.task(alone).status is TaskStatus.COMPLETED
    assert loads == [2, 1, 2]  # found loaded
