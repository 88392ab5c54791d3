"""engine/: discovery, assembly, atomic files and synthesis. No Qt here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from fakes import FakeKokoro
from narrator_app.engine import KokoroModelLoader, audio_files, construct_audio_path, generate_audio
from narrator_app.engine.bundled import BundledModel, BundledModelError, assemble_bundled_model
from narrator_app.engine.loader import plan_jobs, plan_threads, select_providers
from narrator_app.engine.model_files import locate_model_files
from narrator_app.engine.voices import VoicesFileError, default_voice, list_voices


def test_audio_path_is_built_from_ids_only(tmp_path: Path) -> None:
    assert construct_audio_path(tmp_path, 3, 17) == tmp_path / "audio" / "3" / "segment_17.wav"


def test_a_model_dir_is_the_only_place_searched(tmp_path: Path, fake_model_dir: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    found = locate_model_files(tmp_path / "data", empty)
    assert not found.available
    assert found.searched == (empty,)
    assert "kokoro-v1.0.onnx" in found.problem and "voices-v1.0.bin" in found.problem
    assert str(empty) in found.problem and "--model-dir" in found.problem

    found = locate_model_files(tmp_path / "data", fake_model_dir)
    assert found.available and found.model == fake_model_dir / "kokoro-v1.0.int8.onnx"


def test_the_data_dir_models_folder_is_searched_first(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "kokoro-v1.0.onnx").write_bytes(b"x")
    (models / "voices-v1.0.bin").write_bytes(b"x")
    found = locate_model_files(tmp_path)
    assert (found.model, found.voices) == (models / "kokoro-v1.0.onnx", models / "voices-v1.0.bin")
    assert not found.needs_assembly


def test_an_empty_model_file_does_not_count(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "kokoro-v1.0.onnx").write_bytes(b"")
    (folder / "voices-v1.0.bin").write_bytes(b"x")
    found = locate_model_files(tmp_path, folder)
    assert not found.available
    assert "model file" in found.problem and "voices file" not in found.problem


def test_the_bundled_model_is_offered_when_nothing_is_installed(tmp_path: Path) -> None:
    found = locate_model_files(tmp_path)
    assert found.available, found.problem  # the test extra installs the model extra
    assert found.needs_assembly
    assert found.model == tmp_path / "models" / "kokoro-v1.0.int8.onnx"


def test_assembly_with_a_wrong_checksum_leaves_nothing(tmp_path: Path) -> None:
    parts = []
    for n in range(2):
        part = tmp_path / f"part{n}.bin"
        part.write_bytes(bytes([n]) * 1000)
        parts.append(part)
    bundled = BundledModel(parts=tuple(parts), sha256="0" * 64, voices=tmp_path / "v.npz")
    target = tmp_path / "out" / "model.onnx"
    with pytest.raises(BundledModelError, match="SHA-256"):
        assemble_bundled_model(bundled, target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_assembly_reports_progress_and_verifies(tmp_path: Path) -> None:
    import hashlib

    part = tmp_path / "part.bin"
    part.write_bytes(b"abc" * 1_000_000)
    bundled = BundledModel((part,), hashlib.sha256(part.read_bytes()).hexdigest(), tmp_path / "v")
    seen: list[float] = []
    target = assemble_bundled_model(bundled, tmp_path / "model.onnx", seen.append)
    assert target.read_bytes() == part.read_bytes()
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_voices_are_listed_in_file_order_and_a_bad_file_is_named(tmp_path: Path) -> None:
    good = tmp_path / "voices.bin"
    with good.open("wb") as handle:
        voice = np.zeros((3, 1, 256), np.float32)
        np.savez(handle, jf_alpha=voice, af_heart=voice)
    assert list_voices(good) == ("jf_alpha", "af_heart")
    assert default_voice(("jf_alpha", "af_heart")) == "af_heart"
    assert default_voice(("jf_alpha", "jm_kumo")) == "jf_alpha"
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"garbage" * 10)
    with pytest.raises(VoicesFileError, match="bad.bin"):
        list_voices(bad)


def test_providers_are_explicit_cpu_by_default_and_cuda_only_when_asked_and_offered() -> None:
    cpu, cuda = "CPUExecutionProvider", "CUDAExecutionProvider"
    assert select_providers([cpu]) == [cpu]
    assert select_providers([cuda, cpu]) == [cpu]  # CUDA offered, the setting says CPU
    assert select_providers([cuda, cpu], "cuda") == [cuda, cpu]
    assert select_providers([cpu], "cuda") == [cpu]  # asked for, not offered: the CPU runs


def test_the_loader_passes_the_providers_of_the_setting(tmp_path: Path, fake_model_dir: Path) -> None:
    offered = ["CUDAExecutionProvider", "CPUExecutionProvider"]
    loader = KokoroModelLoader(tmp_path, fake_model_dir, list_providers=lambda: offered)
    assert loader.providers() == ["CPUExecutionProvider"]
    assert loader.running_provider() == "CPUExecutionProvider"
    loader.set_provider("cuda")
    assert loader.providers() == offered
    assert loader.running_provider() == "CUDAExecutionProvider"
    offered.remove("CUDAExecutionProvider")  # e.g. onnxruntime without the GPU build
    assert loader.running_provider() == "CPUExecutionProvider"


def test_jobs_share_the_cores_and_a_job_alone_gets_them_all() -> None:
    assert [plan_jobs(cores) for cores in (1, 2, 4, 16)] == [1, 2, 2, 2]
    assert [plan_threads(1, cores) for cores in (1, 2, 4)] == [1, 2, 4]  # a job alone: every core
    assert [plan_threads(active, 2) for active in (2, 3, 60)] == [1, 1, 1]  # two at once, a core each
    assert [plan_threads(active, 4) for active in (2, 60)] == [2, 2]
    assert plan_threads(5, 1) == 1 and plan_threads(0, 2) == 2
    for cores in range(1, 17):  # never more threads than cores, whatever runs
        for active in range(1, 5):
            assert min(active, plan_jobs(cores)) * plan_threads(active, cores) <= cores


def test_on_a_gpu_the_threads_stay_as_they_are_whatever_runs(tmp_path: Path, fake_model_dir: Path) -> None:
    offered = ["CUDAExecutionProvider", "CPUExecutionProvider"]
    loader = KokoroModelLoader(tmp_path, fake_model_dir, cores=2, list_providers=lambda: offered)
    assert [loader.threads_for(n) for n in (1, 2, 8)] == [2, 1, 1]
    loader.set_provider("cuda")  # the GPU does the work: no reason to load the session again
    assert [loader.threads_for(n) for n in (1, 2, 8)] == [2, 2, 2]


def test_the_loader_loads_again_only_for_other_threads(tmp_path: Path, fake_model_dir: Path) -> None:
    loads: list[int] = []
    models: list[FakeKokoro] = []

    def factory(files: object, threads: int) -> FakeKokoro:
        loads.append(threads)
        models.append(FakeKokoro())
        return models[-1]

    loader = KokoroModelLoader(tmp_path, fake_model_dir, model_factory=factory, cores=2)
    assert loader.loaded_threads is None
    first = loader.get_model()  # nothing loaded: for a job alone
    assert loads == [2] and loader.loaded_threads == 2
    assert loader.get_model(threads=2) is first and loader.get_model() is first
    batch = loader.get_model(threads=1)
    assert batch is not first and loads == [2, 1] and loader.loaded_threads == 1
    assert loader.get_model() is batch  # any loaded model will do
    loader.invalidate()
    assert loader.loaded_threads is None
    assert loader.get_model(threads=1) is not batch and loads == [2, 1, 1]


def test_a_failed_write_leaves_the_earlier_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "segment_1.wav"
    target.write_bytes(b"earlier audio")

    def broken_write(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audio_files.sf.SoundFile, "write", broken_write)
    result = generate_audio("Hello.", "af_heart", 1.0, "en-us", target, model=FakeKokoro())
    assert not result.success and "No space left" in result.error
    assert target.read_bytes() == b"earlier audio"
    assert [p.name for p in tmp_path.iterdir()] == ["segment_1.wav"]


def test_cancel_between_chunks_leaves_the_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "segment_1.wav"
    target.write_bytes(b"earlier audio")
    chunks: list[float] = []
    result = generate_audio(
        "One.\nTwo.\nThree.",  # three lines: three chunks
        "af_heart",
        1.0,
        "en-us",
        target,
        model=FakeKokoro(),
        on_progress=chunks.append,
        should_cancel=lambda: bool(chunks),
    )
    assert result.cancelled and not result.success
    assert chunks == [pytest.approx(4 / 14)]  # stopped right after "One." (4 of 14 characters)
    assert target.read_bytes() == b"earlier audio"
    assert [p.name for p in tmp_path.iterdir()] == ["segment_1.wav"]


@pytest.mark.parametrize(
    ("speed", "language", "error"),
    [(0.4, "en-us", "Speed"), (2.1, "en-us", "Speed"), (1.0, "xx", "Unknown language")],
)
def test_bad_values_fail_clearly(tmp_path: Path, speed: float, language: str, error: str) -> None:
    result = generate_audio("Hi.", "af_heart", speed, language, tmp_path / "a.wav", model=FakeKokoro())
    assert not result.success and error in result.error
    assert not (tmp_path / "a.wav").exists()


def test_the_real_model_renders_a_sentence_to_a_24khz_mono_wav(tmp_path: Path, real_model_dir: Path) -> None:
    loader = KokoroModelLoader(tmp_path, real_model_dir)
    voice = default_voice(loader.voices())
    text = "The quick brown fox jumps over the lazy dog near the quiet river bank."
    out = tmp_path / "audio" / "1" / "segment_1.wav"
    result = generate_audio(text, voice, 1.0, "en-us", out, model=loader.get_model())
    assert result.success, result.error
    info = sf.info(str(out))
    assert (info.samplerate, info.channels) == (24_000, 1)
    assert result.duration == pytest.approx(info.frames / info.samplerate)
    words = len(text.split())
    assert 0.15 * words < result.duration < 1.0 * words  # plausible speech, not a click or a hang
    samples, _ = sf.read(str(out), dtype="float32")
    assert float(np.sqrt(np.mean(samples**2))) > 0.01  # not silent
    faster = generate_audio(text, voice, 1.5, "en-us", tmp_path / "fast.wav", model=loader.get_model())
    assert faster.success and faster.duration is not None
    assert faster.duration < 0.85 * result.duration  # speed reaches the model


def test_chunks_are_whole_sentences_grouped_and_lines_stay_apart() -> None:
    from narrator_app.engine.chunks import split_into_chunks

    assert split_into_chunks("One. Two. Three.") == ["One. Two. Three."]
    assert split_into_chunks("  \n\t ") == []
    assert split_into_chunks("A heading\nThe first line. It goes on.") == [
        "A heading",
        "The first line. It goes on.",
    ]
    long = " ".join(f"Sentence number {n} fills the paragraph with words." for n in range(12))
    chunks = split_into_chunks(long)
    assert len(chunks) > 1
    assert " ".join(chunks) == long  # nothing lost, nothing reordered
    assert all(chunk.endswith(".") for chunk in chunks)  # cut only at sentence ends
    assert all(len(chunk) <= 260 for chunk in chunks)
    assert split_into_chunks("x" * 3000) == ["x" * 3000]  # one unbroken word is left to kokoro-onnx
    assert split_into_chunks("これはテストです。二番目の文です。") == ["これはテストです。二番目の文です。"]


def test_progress_reports_the_fraction_of_text_done(tmp_path: Path) -> None:
    seen: list[float] = []
    text = "First line here.\nSecond line, a bit longer.\nThird."
    result = generate_audio(
        text, "af_heart", 1.0, "en-us", tmp_path / "a.wav", model=FakeKokoro(), on_progress=seen.append
    )
    assert result.success
    assert seen == sorted(seen) and len(seen) == 3 and seen[-1] == 1.0
    # three 0.5 s tones joined by two 0.25 s pauses
    assert result.duration == pytest.approx(3 * 0.5 + 2 * 0.25, abs=0.01)


def test_fingerprints_say_what_changed() -> None:
    from narrator_app.engine.fingerprint import Fingerprint

    made = Fingerprint.of("Hello.", "af_heart", 1.0, "en-us", "kokoro-v1.0.int8.onnx:92361271")
    assert Fingerprint.from_json(made.to_json()) == made
    assert made.changes_from(made) == []
    now = Fingerprint.of("Hello!", "am_michael", 1.0, "en-us", "kokoro-v1.0.int8.onnx:92361271")
    assert made.changes_from(now) == ["text", "voice"]
    unknown_model = Fingerprint.of("Hello.", "af_heart", 1.0, "en-us", "")
    assert made.changes_from(unknown_model) == []  # no model installed right now: not compared
    assert Fingerprint.from_json("not json") is None and Fingerprint.from_json(None) is None


def test_time_left_reads_naturally() -> None:
    from narrator_app.ui.batch_status import time_left

    assert time_left(None) == "estimating time left…"
    assert time_left(3) == "almost done"
    assert time_left(40) == "less than a minute left"
    assert time_left(80) == "about 1:20 left"
    assert time_left(3725) == "about 1:02:05 left"


def test_batch_progress_estimates_from_the_measured_speed() -> None:
    from narrator_app.core.batch import BatchProgress, BatchSummary
    from narrator_app.core.tasks import TaskManager, TaskStatus

    tasks = TaskManager()
    ids = [tasks.create(n, chars=100).task_id for n in range(4)]
    progress = BatchProgress(BatchSummary(queued=4, task_ids=ids), {t: 100 for t in ids}, started=0.0)
    assert progress.state(tasks, {}, now=5.0).seconds_left is None  # nothing measured yet
    tasks.mark_running(ids[0])
    tasks.finish(ids[0], TaskStatus.COMPLETED)
    tasks.mark_running(ids[1])
    state = progress.state(tasks, {ids[1]: 0.5}, now=15.0)  # 150 chars in 15 s: 10 chars/s
    assert (state.total, state.ended, state.current, state.current_last) == (4, 1, 2, 2)
    assert state.seconds_left == pytest.approx(25.0)  # 250 chars left
    tasks.mark_running(ids[2])  # two at once
    state = progress.state(tasks, {ids[1]: 0.5}, now=15.0)
    assert (state.running, state.current, state.current_last) == (2, 2, 3)
    tasks.cancel(ids[2])
    tasks.cancel(ids[3])
    state = progress.state(tasks, {ids[1]: 0.5}, now=15.0)
    assert state.seconds_left == pytest.approx(5.0) and state.cancelled == 2


def test_a_refused_commit_puts_the_earlier_file_back(tmp_path: Path) -> None:
    from narrator_app.engine.synthesis import CommitRefused

    target = tmp_path / "segment_1.wav"
    target.write_bytes(b"earlier audio")
    seen: list[bytes] = []

    def commit(duration: float) -> None:
        seen.append(target.read_bytes()[:4])  # the new file is in place while recording
        raise CommitRefused("the segment was locked meanwhile")

    result = generate_audio("Hello.", "af_heart", 1.0, "en-us", target, model=FakeKokoro(), commit=commit)
    assert result.cancelled and "locked" in result.error
    assert seen == [b"RIFF"]
    assert target.read_bytes() == b"earlier audio"
    assert [p.name for p in tmp_path.iterdir()] == ["segment_1.wav"]


def test_a_model_that_says_nothing_fails_instead_of_saving_silence(tmp_path: Path) -> None:
    class Mute(FakeKokoro):
        async def create_stream(self, text, voice, speed=1.0, lang="en-us"):  # type: ignore[no-untyped-def,override]
            if False:
                yield  # an async generator that yields nothing

    result = generate_audio("One.\nTwo.\nThree.", "af_heart", 1.0, "en-us", tmp_path / "a.wav", model=Mute())
    assert not result.success and "no audio" in result.error
    assert not (tmp_path / "a.wav").exists()


def test_waveform_peaks_follow_the_loudness(tmp_path: Path) -> None:
    from narrator_app.engine.waveform import compute_peaks

    rate = 24_000
    t = np.arange(rate) / rate
    loud = 0.8 * np.sin(2 * np.pi * 220 * t)
    quiet = 0.2 * np.sin(2 * np.pi * 220 * t)
    path = tmp_path / "a.wav"
    sf.write(str(path), np.concatenate([np.zeros(rate), loud, quiet]).astype(np.float32), rate)
    peaks = compute_peaks(path, bins=6)
    assert len(peaks) == 6
    assert peaks[0] == peaks[1] == 0.0  # silence
    assert peaks[2] == pytest.approx(1.0) and peaks[3] == pytest.approx(1.0, abs=0.01)
    assert peaks[4] == pytest.approx(0.25, abs=0.01)  # a quarter as loud


def test_quick_start_cuts_the_first_chunks_short_at_sentence_or_clause_ends() -> None:
    from narrator_app.engine.chunks import plan_chunks, split_into_sentences

    text = (
        "The lighthouse stood at the end of the long stone pier, and every evening the keeper "
        "climbed the stairs. He lit the lamp, whatever the weather. Ships passing in the night "
        "looked for its beam and knew where the rocks were. Nobody remembered a night when the "
        "light had failed. It was a point of pride for him and for his father before him."
    )
    plan = plan_chunks(text, quick_start=True)
    chunks = [chunk for chunk, _ in plan]
    assert " ".join(chunks) == text  # nothing lost, nothing reordered
    # The first clause (55 characters) is too long to start with: cut between words, no pause.
    assert plan[0] == ("The lighthouse stood at the end of the", 0.0)
    assert plan[1] == ("long stone pier, and every evening the keeper climbed the stairs.", 0.25)
    assert plan[2] == ("He lit the lamp, whatever the weather.", 0.25)  # within 120 characters
    assert chunks[3:] == split_into_sentences(" ".join(chunks[3:]))  # then a sentence a chunk
    assert plan[-1][1] == 0.0  # nothing after the last
    assert plan_chunks("Short. Two.", quick_start=True) == [("Short.", 0.25), ("Two.", 0.0)]
    assert plan_chunks("x" * 300, quick_start=True) == [("x" * 300, 0.0)]  # nowhere to cut
    assert plan_chunks("", quick_start=True) == []
    # A first clause short enough is kept whole, with a clause's pause after it.
    assert plan_chunks(
        "At the end of the long pier, where the wall met the sea, a light stood.", quick_start=True
    )[0] == ("At the end of the long pier,", 0.1)
    # Without quick start: one sentence a chunk (its audio's start and end are the sentence's).
    assert [c for c, _ in plan_chunks(text)] == split_into_sentences(text)
    assert len(split_into_sentences(text)) == 5


def test_on_audio_gets_every_piece_in_order_with_the_pauses(tmp_path: Path) -> None:
    pieces: list[np.ndarray] = []
    target = tmp_path / "segment_1.wav"
    result = generate_audio(
        "One, two.\nThree.",  # two lines: two chunks, a sentence pause between them
        "af_heart",
        1.0,
        "en-us",
        target,
        model=FakeKokoro(),
        on_audio=lambda samples, rate: pieces.append(samples),
    )
    assert result.success
    assert [round(len(p) / 24_000, 2) for p in pieces] == [0.5, 0.25, 0.5]
    written, _ = sf.read(target, dtype="float32")
    assert np.abs(np.concatenate(pieces) - written).max() < 1 / 16_000  # what was written, to 16 bits


def test_quick_start_pauses_after_a_clause_and_runs_on_between_words() -> None:
    from narrator_app.engine.synthesis import synthesize_into

    def pieces(text: str) -> list[float]:
        heard: list[float] = []
        synthesize_into(
            lambda part, rate: heard.append(round(len(part) / rate, 2)),
            FakeKokoro(),
            text,
            "af_heart",
            1.0,
            "en-us",
            quick_start=True,
        )
        return heard

    # Cut after "pier,": a comma's pause, not a sentence's.
    assert pieces("At the end of the long pier, where the wall met the sea, a light stood.") == [
        0.5,
        0.1,
        0.5,
    ]
    # Cut between two words: no pause at all.
    assert pieces(
        "The lighthouse stood at the end of the long stone pier, and every evening the keeper climbed."
    ) == [0.5, 0.5]


@pytest.mark.parametrize("frames", [0, 5, 47, 48, 1000, 24_011])
@pytest.mark.parametrize("block_frames", [1, 7, 4096])
def test_waveform_peaks_read_in_blocks_match_the_whole_file(
    tmp_path: Path, frames: int, block_frames: int
) -> None:
    """Reading in blocks (memory bounded for long audio) gives exactly the peaks of the whole file."""
    from narrator_app.engine.waveform import compute_peaks

    samples = np.random.default_rng(frames).uniform(-1, 1, frames).astype(np.float32)
    path = tmp_path / "a.wav"
    sf.write(str(path), samples, 24_000, subtype="FLOAT")
    bins = 48
    expected = np.zeros(bins)
    edges = np.linspace(0, frames, bins + 1).astype(int)
    for i, (start, end) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        if end > start:
            expected[i] = np.abs(samples[start:end]).max()
    if expected.max() > 0:
        expected /= expected.max()
    assert compute_peaks(path, bins, block_frames) == pytest.approx(tuple(expected))
