"""The controller's rules and the job lifecycle, with the real model and with the fake."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.core.rules import Refusal, RefusalReason, SettingsError
from narrator_app.core.tasks import TaskStatus
from support import MakeController, wait_for_tasks

TASK_ID = re.compile(r"^tts_(\d+)_[0-9a-f]{8}$")


def test_refusals_come_in_the_agreed_order(make_controller: MakeController, tmp_path: Path) -> None:
    no_model = tmp_path / "no-model"
    no_model.mkdir()
    c = make_controller(no_model)
    empty_and_locked = c.segments.add("   \n\t", locked=True)
    locked = c.segments.add("Some words.", locked=True)
    fine = c.segments.add("Some words.")

    def refusal(segment_id: int) -> Refusal:
        result = c.generation.generate_audio(segment_id)
        assert isinstance(result, Refusal)
        return result

    assert refusal(999).reason is RefusalReason.NOT_FOUND
    assert refusal(999).message == "Segment 999 does not exist."
    r = refusal(empty_and_locked.id)
    assert r.reason is RefusalReason.EMPTY_TEXT
    assert r.message == f"Segment {empty_and_locked.id} has no text to generate audio from."
    r = refusal(locked.id)
    assert r.reason is RefusalReason.LOCKED and "unlock it first" in r.message
    r = refusal(fine.id)
    assert r.reason is RefusalReason.MODEL_MISSING
    assert str(no_model) in r.message and "kokoro-v1.0.onnx" in r.message and "voices-v1.0.bin" in r.message
    assert c.tasks.all() == []  # nothing was queued


def test_generate_audio_end_to_end_with_the_real_model(
    qtbot, make_controller: MakeController, real_model_dir: Path
) -> None:
    c = make_controller(real_model_dir)
    segment = c.segments.add("Narration, rendered locally by a small and capable model.")
    seen: list[TaskStatus] = []
    c.task_changed.connect(lambda task_id, _sid: seen.append(c.generation.task(task_id).status))

    task_id = c.generation.generate_audio(segment.id)
    assert isinstance(task_id, str) and TASK_ID.match(task_id)
    assert TASK_ID.match(task_id).group(1) == str(segment.id)
    assert c.generation.task(task_id).status in (TaskStatus.PENDING, TaskStatus.RUNNING)
    # The UI thread never waits for the model: the call returned while the task waits or runs
    # (above), and the model, if loaded yet, was loaded by a worker.
    assert not c.loader.is_loaded or c.loader.loaded_in_thread != threading.get_ident()

    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.COMPLETED, info.message
    # The status is current at once; the signal that tells the UI arrives through the event loop.
    qtbot.waitUntil(lambda: seen[-1] is TaskStatus.COMPLETED)
    assert seen[0] is TaskStatus.PENDING
    assert TaskStatus.RUNNING in seen
    assert info.created_at <= info.started_at <= info.finished_at
    assert c.loader.loaded_in_thread != threading.get_ident()

    record = c.segments.get(segment.id)
    # Each render is a take of its own (issue 18): audio/<project>/segment_<id>_take<N>_<hex>.wav
    assert re.fullmatch(
        rf"audio/{record.project_id}/segment_{segment.id}_take1_[0-9a-f]{{6}}\.wav", record.audio_file
    )
    path = c.data_dir / record.audio_file
    file_info = sf.info(str(path))
    assert (file_info.samplerate, file_info.channels) == (24_000, 1)
    assert record.audio_duration == pytest.approx(file_info.frames / file_info.samplerate)
    assert 1.5 < record.audio_duration < 9.0
    assert list(path.parent.iterdir()) == [path]  # no temp file left behind


def test_a_failed_job_keeps_the_earlier_audio(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("First take.")
    first = c.generation.generate_audio(segment.id)
    wait_for_tasks(qtbot, c, [first])
    before = c.segments.get(segment.id)
    audio = (c.data_dir / before.audio_file).read_bytes()

    fake_kokoro.fail_with = RuntimeError("espeak exploded")
    second = c.generation.generate_audio(segment.id)
    wait_for_tasks(qtbot, c, [second])
    info = c.generation.task(second)
    assert info.status is TaskStatus.FAILED and "espeak exploded" in info.message
    after = c.segments.get(segment.id)
    assert (after.audio_file, after.audio_duration) == (before.audio_file, before.audio_duration)
    assert (c.data_dir / after.audio_file).read_bytes() == audio


def test_a_voice_missing_from_the_voices_file_fails_with_the_voices_listed(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    c.repository.update_settings(default_voice_id="am_onyx")
    task_id = c.generation.generate_audio(c.segments.add("Hello.").id)
    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.FAILED
    assert "am_onyx" in info.message and "af_heart, am_michael" in info.message


def test_deleting_a_segment_while_it_generates_leaves_no_audio(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    segment = c.segments.add("One. Two.")
    fake_kokoro.hold()
    task_id = c.generation.generate_audio(segment.id)
    qtbot.waitUntil(lambda: c.generation.task(task_id).status is TaskStatus.RUNNING)
    assert not isinstance(c.segments.delete(segment.id), Refusal)
    fake_kokoro.release()
    wait_for_tasks(qtbot, c, [task_id])
    assert c.generation.task(task_id).status in (TaskStatus.CANCELLED, TaskStatus.FAILED)
    assert not (c.data_dir / "audio").exists() or not any((c.data_dir / "audio").rglob("*.wav"))


def test_shutdown_ends_queued_and_running_jobs(
    qtbot, make_controller: MakeController, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    c = make_controller(fake_model_dir, fake_kokoro)
    ids = [c.segments.add(f"Sentence one. Sentence two. Number {n}.").id for n in range(3)]
    fake_kokoro.hold()
    tasks = [c.generation.generate_audio(i) for i in ids]
    qtbot.waitUntil(lambda: c.generation.task(tasks[0]).status is TaskStatus.RUNNING)
    # The running chunk finishes once shutdown has begun: when it cancels the first task.
    c.task_changed.connect(lambda *_: fake_kokoro.release())
    c.shutdown()
    statuses = [c.generation.task(t).status for t in tasks]
    assert all(not s.is_active for s in statuses), statuses
    assert statuses[1:] == [TaskStatus.CANCELLED, TaskStatus.CANCELLED]
    assert statuses[0] is TaskStatus.CANCELLED  # stopped at the chunk boundary
    assert c.segments.get(ids[0]) is None or c.segments.get(ids[0]).audio_file is None


def test_settings_defaults_and_validation(make_controller: MakeController, fake_model_dir: Path) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    settings = c.settings.current()
    assert (settings.default_voice_id, settings.tts_speed, settings.language) == ("af_heart", 1.0, "en-us")
    with pytest.raises(SettingsError, match="0.5 and 2.0"):
        c.settings.update(speed=2.5)
    with pytest.raises(SettingsError, match="af_heart, am_michael"):
        c.settings.update(voice="am_onyx")
    with pytest.raises(SettingsError, match="en-us, en-gb"):
        c.settings.update(language="klingon")
    updated = c.settings.update(voice="am_michael", speed=1.5, language="en-gb")
    assert (updated.default_voice_id, updated.tts_speed, updated.language) == ("am_michael", 1.5, "en-gb")


def test_the_first_voice_is_the_default_when_af_heart_is_absent(
    make_controller: MakeController, real_model_dir: Path
) -> None:
    c = make_controller(real_model_dir)  # the bundled voices: jf_alpha first, no af_heart
    assert c.settings.current().default_voice_id == c.settings.available_voices()[0]


def test_locked_segments_refuse_edits_and_deletes(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir, FakeKokoro())
    segment = c.segments.add("Approved text.", locked=True)
    refused = c.segments.update(segment.id, text="changed")
    assert isinstance(refused, Refusal) and refused.reason is RefusalReason.LOCKED
    deleted = c.segments.delete(segment.id)
    assert isinstance(deleted, Refusal) and deleted.reason is RefusalReason.LOCKED
    assert c.segments.get(segment.id).text == "Approved text."
    unlocked_and_edited = c.segments.update(segment.id, text="changed", locked=False)
    assert not isinstance(unlocked_and_edited, Refusal) and unlocked_and_edited.text == "changed"
    missing = c.segments.update(9999, text="x")
    assert isinstance(missing, Refusal) and missing.reason is RefusalReason.NOT_FOUND


def test_a_damaged_model_file_fails_with_a_clear_message(
    qtbot, make_controller: MakeController, fake_model_dir: Path
) -> None:
    c = make_controller(fake_model_dir)  # the real loader, on a model file that is not ONNX
    task_id = c.generation.generate_audio(c.segments.add("Hello.").id)
    wait_for_tasks(qtbot, c, [task_id])
    info = c.generation.task(task_id)
    assert info.status is TaskStatus.FAILED
    assert "kokoro-v1.0.int8.onnx cannot be loaded: it is damaged or not a Kokoro ONNX model" in info.message
    assert "Unexpected error" not in info.message
