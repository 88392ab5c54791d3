"""Play while generating: Play on a segment without current audio plays it as it renders."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from fakes import ClockSink, FakeKokoro
from narrator_app.core.tasks import TaskStatus
from narrator_app.ui import build_main_window
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.segment_model import Column

MakeWindow = Callable[..., MainWindow]

# 200 words, 15 sentences: more than a minute of speech.
TEXT_200_WORDS = (
    "The lighthouse stood at the end of the long stone pier, where the harbour wall met the open sea. "
    "Every evening the keeper climbed the one hundred and twelve steps and lit the lamp. "
    "He did it whatever the weather, in summer calm and in the worst of the winter storms. "
    "Ships passing in the night looked for its beam and knew where the rocks were. "
    "Nobody in the village remembered a night when the light had failed. "
    "The keeper's father had tended it before him, and his grandfather before that. "
    "Each of them had written the hours of every night in a thick leather book. "
    "The books filled a shelf in the small room at the foot of the tower. "
    "On quiet evenings the keeper would take one down and read what the weather had been. "
    "Some pages told of ships that came too close and turned away just in time. "
    "Others told of nothing at all, only the wind, the rain and the turning light. "
    "When the new electric lamp was installed, people said the keeper would no longer be needed. "
    "He kept climbing the steps all the same, to see that the glass was clean. "
    "The sea did not care whether the lamp burned oil or electricity. "
    "It only mattered that someone watched it through the night."
)


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[MakeWindow]:  # type: ignore[no-untyped-def]
    def make(model_dir: Path, fake: FakeKokoro | None = None, sink: ClockSink | None = None) -> MainWindow:
        kwargs = {"model_factory": lambda files, threads: fake} if fake is not None else {}
        window = build_main_window(tmp_path / "data", model_dir, **kwargs)
        if sink is not None:
            window.live_preview.sink_factory = lambda rate: sink
        qtbot.addWidget(window)
        window.show()
        return window

    yield make


def wav_pcm(path: Path) -> np.ndarray:
    data, rate = sf.read(path, dtype="int16")
    assert rate == 24_000
    return data


def play(window: MainWindow, segment_id: int) -> None:
    window.select_segment(segment_id)
    window.commands.play.trigger()


def test_a_200_word_segment_starts_playing_long_before_it_is_rendered(
    qtbot, make_window: MakeWindow, real_model_dir: Path
) -> None:
    # The clock sink plays at 10× real time so that the test does not last the minute of speech;
    # what is measured is when the first samples reach it.
    sink = ClockSink(speed=10.0)
    window = make_window(real_model_dir, sink=sink)
    c = window.controller
    qtbot.waitUntil(lambda: c.loader.is_loaded, timeout=60_000)  # loaded in advance at start-up
    segment = c.segments.add(TEXT_200_WORDS)
    times: dict[str, float] = {}
    window.live_preview.sound_started.connect(lambda _id: times.setdefault("sound", time.perf_counter()))

    def on_task(task_id: str, _segment_id: int) -> None:
        info = c.generation.task(task_id)
        if info is not None and info.status is TaskStatus.COMPLETED:
            times.setdefault("rendered", time.perf_counter())

    c.task_changed.connect(on_task)
    started = time.perf_counter()
    play(window, segment.id)
    assert window.live_preview.active
    assert window.commands.stop.isEnabled()
    qtbot.waitUntil(lambda: "sound" in times, timeout=60_000)
    assert "rendered" not in times  # sound before the segment was rendered
    assert "Segment 1" in window.player_label.text() and "generating" in window.player_label.text()
    with qtbot.waitSignal(window.live_preview.finished, timeout=300_000):
        pass
    first_sound, rendered = times["sound"] - started, times["rendered"] - started
    print(f"first sound after {first_sound:.2f} s; rendered whole after {rendered:.2f} s")
    assert first_sound < rendered / 4  # the first of about 15 sentences, with room for a busy machine

    # The WAV was written and recorded as usual, and what was played is exactly what it holds.
    record = c.segments.get(segment.id)
    assert record is not None and record.audio_file is not None
    path = c.segments.audio_path(record)
    assert path is not None
    pcm = wav_pcm(path)
    assert record.audio_duration == pytest.approx(len(pcm) / 24_000, abs=0.01)
    assert record.audio_duration > 40
    played = np.frombuffer(sink.data, dtype="<i2")
    assert len(played) == len(pcm)
    assert np.abs(played.astype(np.int32) - pcm).max() <= 1
    assert window.model.index(window.model.row_of(segment.id), Column.STATUS).data() == "Ready"
    assert not window.live_preview.active and not window.commands.stop.isEnabled()


def test_without_an_audio_device_play_generates_and_says_so(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)  # offscreen: the default output is missing
    window.live_preview.sink_factory = lambda rate: "no audio output device was found"
    segment = window.controller.segments.add("Hi. There.")
    play(window, segment.id)
    assert "cannot be heard while it is generated: no audio output device was found" in (
        window.message_bar.text
    )
    assert not window.message_bar.isHidden()
    assert not window.live_preview.active
    qtbot.waitUntil(lambda: window.controller.segments.get(segment.id).audio_file is not None, timeout=10_000)
    path = window.controller.segments.audio_path(window.controller.segments.get(segment.id))
    assert len(wav_pcm(path)) == pytest.approx(30_000, abs=2)  # two 0.5 s tones, a 0.25 s pause between
    # "play it once it is ready": once it is, the note goes
    qtbot.waitUntil(window.message_bar.isHidden)


def test_the_default_output_is_a_sink_or_the_reason_there_is_none(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtMultimedia import QAudioSink, QMediaDevices

    from narrator_app.ui.live_preview import default_sink

    sink = default_sink(24_000)
    if QMediaDevices.defaultAudioOutput().isNull():  # offscreen and in CI: no audio output
        assert sink == "no audio output device was found"
    else:  # a desktop with sound
        assert isinstance(sink, QAudioSink) and sink.format().sampleRate() == 24_000


class BrokenSink(ClockSink):
    """An output that fails to open, as a QAudioSink does on a device that is gone."""

    def error(self) -> object:
        from PySide6.QtMultimedia import QAudio

        return QAudio.Error.OpenError


def test_an_output_that_will_not_open_is_reported_and_the_generation_goes_on(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro, sink=BrokenSink())
    c = window.controller
    segment = c.segments.add("One. Two.")
    with qtbot.waitSignal(window.live_preview.playing_changed, check_params_cb=lambda playing: not playing):
        play(window, segment.id)
    assert "the audio output could not be opened" in window.message_bar.text
    qtbot.waitUntil(lambda: c.segments.get(segment.id).audio_file is not None, timeout=10_000)


def test_stop_silences_the_preview_and_the_generation_goes_on(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    sink = ClockSink()
    window = make_window(fake_model_dir, fake_kokoro, sink=sink)
    c = window.controller
    segment = c.segments.add("One. Two. Three. Four.")
    fake_kokoro.hold()
    with qtbot.waitSignal(window.live_preview.sound_started, timeout=10_000):
        play(window, segment.id)
        fake_kokoro.step()
    window.commands.stop.trigger()
    assert not window.live_preview.active and sink.stopped
    assert "still being generated" in window.statusBar().currentMessage()
    fake_kokoro.release()
    qtbot.waitUntil(lambda: c.segments.get(segment.id).audio_file is not None, timeout=10_000)
    # four 0.5 s tones, a sentence a chunk, 0.25 s pauses between them
    assert c.segments.get(segment.id).audio_duration == pytest.approx(2.75, abs=0.01)


def test_cancel_stops_the_sound_and_keeps_no_audio(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    sink = ClockSink()
    window = make_window(fake_model_dir, fake_kokoro, sink=sink)
    c = window.controller
    segment = c.segments.add("One. Two. Three.")
    fake_kokoro.hold()
    with qtbot.waitSignal(window.live_preview.sound_started, timeout=10_000):
        play(window, segment.id)
        fake_kokoro.step()
    with qtbot.waitSignal(window.live_preview.playing_changed, timeout=10_000):
        window.commands.cancel.trigger()
    assert not window.live_preview.active and sink.stopped
    fake_kokoro.release()
    assert c.generation.wait(10_000)
    assert c.segments.get(segment.id).audio_file is None


def test_play_on_a_segment_being_generated_renders_it_again_from_the_start(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    sink = ClockSink(speed=20.0)
    window = make_window(fake_model_dir, fake_kokoro, sink=sink)
    c = window.controller
    segment = c.segments.add("One.\nTwo.\nThree.")  # three lines: three chunks
    fake_kokoro.hold()
    task_id = c.generation.generate_audio(segment.id)
    fake_kokoro.step()  # "One." is rendered before Play
    qtbot.waitUntil(lambda: c.generation.progress_of(task_id) > 0, timeout=10_000)
    play(window, segment.id)
    # Its audio so far was not kept (memory stays bounded): the task starts again, to be heard whole.
    assert window.live_preview.task_id != task_id
    assert c.generation.task(task_id).status is TaskStatus.CANCELLED
    fake_kokoro.release()
    with qtbot.waitSignal(window.live_preview.finished, timeout=10_000):
        pass
    pcm = wav_pcm(c.segments.audio_path(c.segments.get(segment.id)))
    assert len(sink.data) == 2 * len(pcm) == 2 * 48_000  # three 0.5 s tones, two 0.25 s pauses
    assert np.abs(np.frombuffer(sink.data, dtype="<i2").astype(np.int32) - pcm).max() <= 1


def test_play_on_a_queued_segment_moves_it_to_the_front(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    sink = ClockSink(speed=20.0)
    window = make_window(fake_model_dir, fake_kokoro, sink=sink)
    c = window.controller
    # Words, not digits: a digit is spoken as a word (core.normalize), "4" reaching the model as "four".
    names = ("alpha", "bravo", "charlie", "delta", "echo")
    ids = [c.segments.add(f"Segment {name}.").id for name in names]
    assert c.generation.wait(10_000)  # the model loaded at start-up
    fake_kokoro.hold()
    c.generation.generate_all()
    jobs = c.generation.pool.maxThreadCount()  # this many run at once; the others wait in the queue
    qtbot.waitUntil(lambda: len(fake_kokoro.calls) == jobs, timeout=10_000)
    play(window, ids[4])
    fake_kokoro.step()  # one of the running segments is done: its place goes to the one played
    qtbot.waitUntil(lambda: len(fake_kokoro.calls) == jobs + 1, timeout=10_000)
    fake_kokoro.release()
    with qtbot.waitSignal(window.live_preview.finished, timeout=10_000):
        pass
    c.generation.wait(10_000)
    order = [text for text, *_ in fake_kokoro.calls]
    # right after the ones that were running, before those queued ahead of it
    assert order.index("Segment echo.") == jobs


def test_streamed_pcm_is_exactly_what_the_wav_file_holds(tmp_path: Path) -> None:
    """The streamed samples and the file's used to differ by up to 2 near full scale: libsndfile
    (1.2) converts floats with its own scale and rounding. The WAV now gets Narrator's own 16-bit
    samples, so the two are the same whatever libsndfile does."""
    from narrator_app.app.jobs import pcm16
    from narrator_app.engine.audio_files import TempWav

    rng = np.random.default_rng(7)
    samples = np.concatenate(
        [np.array([0.5, 0.99, 0.99998, 1.0, -1.0, 1.2, -1.3, 1.5e-5, -0.7071]), rng.uniform(-1, 1, 5000)]
    ).astype(np.float32)
    wav = TempWav(tmp_path / "segment.wav")
    wav.write(samples, 24_000)
    path, _duration = wav.finish()
    written = sf.read(path, dtype="int16")[0]
    assert np.frombuffer(pcm16(samples), dtype="<i2").tolist() == written.tolist()
