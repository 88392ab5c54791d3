"""Model & voices…: from "model missing" to speech through the dialog, damaged files, the voice
picker with previews, and the provider shown."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from fakes import FakeKokoro
from model_server import serving
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine import download as downloads
from narrator_app.ui import build_main_window
from narrator_app.ui.main_window import MainWindow
from narrator_app.ui.model_dialog import ModelDialog

INT8, VOICES = "kokoro-v1.0.int8.onnx", "voices-v1.0.bin"
MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[MakeWindow]:  # type: ignore[no-untyped-def]
    def make(model_dir: Path, fake: FakeKokoro | None = None) -> MainWindow:
        kwargs = {"model_factory": lambda files, threads: fake} if fake is not None else {}
        window = build_main_window(tmp_path / "data", model_dir, **kwargs)
        qtbot.addWidget(window)
        window.show()
        return window

    yield make


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty-models"
    folder.mkdir()
    return folder


def open_from_the_message_bar(qtbot, window: MainWindow) -> ModelDialog:  # type: ignore[no-untyped-def]
    bar = window.message_bar
    assert bar.isVisible() and bar.button.isVisible() and bar.button.text() == "Model && voices…"
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    dialog = window.model_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def install_through(qtbot, dialog: ModelDialog, model: Path | None, voices: Path | None) -> None:  # type: ignore[no-untyped-def]
    dialog.choose_files = lambda: (model, voices)
    with qtbot.waitSignals(
        [dialog.models.finished, dialog.models.failed], timeout=120_000, order="none", raising=False
    ) as _:
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.models.busy, timeout=120_000)


def test_from_an_empty_model_folder_to_speech_through_the_dialog(
    qtbot, make_window: MakeWindow, empty: Path, real_model_dir: Path
) -> None:
    window = make_window(empty)
    assert "not installed" in window.message_bar.text  # said at start, with the button
    record = window.controller.segments.add("Installed from the dialog, and speaking.")
    window.select_segment(record.id)
    window.commands.generate.trigger()
    assert str(empty) in window.message_bar.text and window.message_bar.button.isVisible()

    dialog = open_from_the_message_bar(qtbot, window)
    assert dialog.model_label.text() == "none found" and dialog.problem.isVisible()
    assert dialog.provider_label.text().startswith("The CPU")
    dialog.choose_files = lambda: (real_model_dir / INT8, real_model_dir / VOICES)
    with qtbot.waitSignal(dialog.models.finished, timeout=120_000):
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.isEnabled() and not dialog.install_button.isEnabled()
    assert "Installed kokoro-v1.0.int8.onnx and voices-v1.0.bin" in dialog.task_label.text()
    assert dialog.model_label.text() == "kokoro-v1.0.int8.onnx (int8, 92.4 MB)"
    assert dialog.voices_label.text() == "voices-v1.0.bin — 5 voices"
    assert not dialog.problem.isVisible() and not window.message_bar.isVisible()
    assert dialog.picker.visible_voices() == [
        "jf_alpha",
        "jf_gongitsune",
        "jf_nezumi",
        "jf_tebukuro",
        "jm_kumo",
    ]
    dialog.close()

    window.commands.generate.trigger()
    task = window.controller.tasks.active_for(record.id)
    assert task is not None
    qtbot.waitUntil(
        lambda: window.controller.generation.task(task.task_id).status is TaskStatus.COMPLETED,
        timeout=120_000,
    )
    saved = window.controller.segments.get(record.id)
    assert saved is not None and saved.audio_duration is not None
    info = sf.info(window.controller.segments.audio_path(saved))
    assert info.duration == pytest.approx(saved.audio_duration, abs=0.01) and info.duration > 1.0


def test_a_damaged_file_is_refused_in_the_dialog_and_the_model_stays(
    qtbot, make_window: MakeWindow, empty: Path, real_model_dir: Path, tmp_path: Path
) -> None:
    shutil.copyfile(real_model_dir / INT8, empty / INT8)
    shutil.copyfile(real_model_dir / VOICES, empty / VOICES)
    window = make_window(empty)
    window.commands.models.trigger()
    dialog = window.model_dialog
    bad = tmp_path / "kokoro-v1.0.onnx"
    bad.write_bytes((real_model_dir / INT8).read_bytes()[:4_000_000])
    dialog.choose_files = lambda: (bad, None)
    with qtbot.waitSignal(dialog.models.failed, timeout=120_000):
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    assert str(bad) in dialog.task_label.text() and "the model in use stays" in dialog.task_label.text()
    assert dialog.model_label.text().startswith("kokoro-v1.0.int8.onnx")
    assert sorted(p.name for p in empty.iterdir()) == [INT8, VOICES]


def test_a_damaged_model_in_place_is_explained_at_start_with_the_button(
    qtbot, make_window: MakeWindow, empty: Path, real_model_dir: Path
) -> None:
    (empty / INT8).write_bytes((real_model_dir / INT8).read_bytes()[:4_000_000])
    shutil.copyfile(real_model_dir / VOICES, empty / VOICES)
    window = make_window(empty)  # the start-up job loads the model in the background
    qtbot.waitUntil(lambda: "cannot be loaded" in window.message_bar.text, timeout=60_000)
    assert str(empty / INT8) in window.message_bar.text and window.message_bar.button.isVisible()
    record = window.controller.segments.add("Hello.")
    result = window.controller.generation.generate_audio(record.id)
    assert not isinstance(result, str) and result.reason == "model_missing"


def test_download_through_the_dialog_can_be_cancelled(
    qtbot,
    make_window: MakeWindow,
    empty: Path,
    real_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copyfile(real_model_dir / INT8, release / INT8)
    window = make_window(empty)
    window.commands.models.trigger()
    dialog = window.model_dialog
    assert "No checksum" not in dialog.checksum_note.text()  # int8 and voices are pinned
    with serving(release) as server:
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        dialog.models.progress.connect(lambda *_: dialog.models.cancel())
        with qtbot.waitSignal(dialog.models.failed, timeout=60_000) as failed:
            qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["Cancelled; nothing was installed.", True]
    assert dialog.task_label.text() == "Cancelled; nothing was installed."
    assert list(empty.iterdir()) == [] and dialog.download_button.isEnabled()


def test_the_voice_picker_filters_previews_in_the_background_and_sets_blends(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    window.commands.models.trigger()
    picker = window.model_dialog.picker
    rows = {
        picker.model.item(r, 0).text(): (picker.model.item(r, 1).text(), picker.model.item(r, 2).text())
        for r in range(picker.model.rowCount())
    }
    assert rows == {"af_heart": ("American English", "female"), "am_michael": ("American English", "male")}
    picker.gender_filter.setCurrentIndex(picker.gender_filter.findData("male"))
    assert picker.visible_voices() == ["am_michael"]
    picker.gender_filter.setCurrentIndex(0)
    picker.search.setText("HEART")
    assert picker.visible_voices() == ["af_heart"]
    picker.search.clear()
    picker.language_filter.setCurrentIndex(picker.language_filter.findData("Japanese"))
    assert picker.visible_voices() == []
    picker.language_filter.setCurrentIndex(0)

    picker.select_voice("am_michael")
    assert picker.spec.text() == "am_michael" and picker.preview_language.currentData() == "en-us"
    picker.preview_language.setCurrentIndex(picker.preview_language.findData("fr-fr"))
    previews = window.controller.previews
    with qtbot.waitSignal(previews.ready, timeout=30_000) as ready:
        qtbot.mouseClick(picker.preview_button, Qt.MouseButton.LeftButton)
    path = Path(ready.args[1])
    assert path.is_file() and sf.info(path).duration > 0.4
    assert fake_kokoro.calls[-1][1:] == ("am_michael", 1.0, "fr-fr")
    assert "Bonjour" in fake_kokoro.calls[-2][0]  # the French sample, a sentence a model call
    assert fake_kokoro.calls[-2][1:] == ("am_michael", 1.0, "fr-fr")
    calls = len(fake_kokoro.calls)
    with qtbot.waitSignal(previews.ready, timeout=5_000) as again:
        qtbot.mouseClick(picker.preview_button, Qt.MouseButton.LeftButton)
    assert again.args[1] == str(path) and len(fake_kokoro.calls) == calls  # from the cache

    picker.spec.setText("af_heart:3, am_michael:1")
    qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)
    assert window.controller.settings.current().default_voice_id == "af_heart:3,am_michael:1"
    assert "af_heart:3,am_michael:1" in picker.status.text()
    picker.spec.setText("am_onyx")
    qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)
    assert (
        "Unknown voice 'am_onyx'" in picker.status.text() and "af_heart, am_michael" in picker.status.text()
    )
    assert window.controller.settings.current().default_voice_id == "af_heart:3,am_michael:1"


def test_a_cached_preview_and_a_refused_one_leave_the_picker_ready_again(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    """Issue 12 item 12: the answer from the cache (or a refusal) used to arrive inside `request`,
    before the picker noted that it waited: stuck on "Preparing a preview…", Preview disabled."""
    window = make_window(fake_model_dir, fake_kokoro)
    window.commands.models.trigger()
    picker = window.model_dialog.picker
    picker.spec.setText("am_michael")
    previews = window.controller.previews
    with qtbot.waitSignal(previews.ready, timeout=30_000):
        qtbot.mouseClick(picker.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(picker.preview_button.isEnabled)
    calls = len(fake_kokoro.calls)

    with qtbot.waitSignal(previews.ready, timeout=5_000):  # from the cache this time
        qtbot.mouseClick(picker.preview_button, Qt.MouseButton.LeftButton)
    assert len(fake_kokoro.calls) == calls
    if window.player.output_problem():  # offscreen: no output device, and the picker says so
        assert picker.status.text() == (
            "The preview of am_michael cannot be heard: no audio output device was found."
        )
    else:
        assert picker.status.text() == "Playing a preview of am_michael."
    assert picker.preview_button.isEnabled()

    picker.spec.setText("am_onyx")  # refused before any work starts: the failure path
    with qtbot.waitSignal(previews.failed, timeout=5_000):
        qtbot.mouseClick(picker.preview_button, Qt.MouseButton.LeftButton)
    assert "am_onyx" in picker.status.text() and "Preparing" not in picker.status.text()
    assert picker.preview_button.isEnabled()


def test_a_preview_answer_never_arrives_inside_request(qapp, fake_model_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.previews import Previews
    from narrator_app.engine.loader import KokoroModelLoader

    previews = Previews(KokoroModelLoader(tmp_path / "data", tmp_path / "no-model"), tmp_path / "data")
    seen: list[int] = []
    previews.failed.connect(lambda request_id, _message: seen.append(request_id))
    request_id = previews.request("af_heart", "en-us")  # no model: refused at once
    assert seen == []  # not yet: deferred to the event loop
    qapp.processEvents()
    assert seen == [request_id]


def test_the_provider_setting_is_shown_and_cuda_is_offered_only_when_available(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = make_window(fake_model_dir, fake_kokoro)
    window.commands.models.trigger()
    dialog = window.model_dialog
    cuda_item = dialog.provider.model().item(1)
    assert dialog.provider.currentData() == "cpu" and not cuda_item.isEnabled()
    assert "onnxruntime-gpu" in dialog.provider.toolTip()
    qtbot.waitUntil(lambda: window.controller.loader.is_loaded)  # loaded at start, in the background
    dialog.refresh()
    assert dialog.provider_label.text() == "The CPU runs the model"


def test_the_settings_dialog_takes_a_blend_and_refuses_an_unknown_voice(
    qtbot, make_window: MakeWindow, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    from narrator_app.ui.settings_dialog import SettingsDialog

    window = make_window(fake_model_dir, fake_kokoro)
    dialog = SettingsDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.voice.setCurrentText("am_onyx")
    dialog.accept()
    assert dialog.isVisible() and "Unknown voice 'am_onyx'" in dialog.problem.text()
    assert "af_heart, am_michael" in dialog.problem.text()
    dialog.voice.setCurrentText("af_heart:1,am_michael:2")
    dialog.accept()
    assert not dialog.isVisible()
    assert window.controller.settings.current().default_voice_id == "af_heart:1,am_michael:2"


def test_the_provider_choice_is_stored_and_used_by_the_next_start(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    from narrator_app.app.controller import Controller

    first = Controller(tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: fake_kokoro)
    first.settings.set_provider("cuda")
    first.shutdown()
    again = Controller(tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: fake_kokoro)
    try:
        assert again.settings.current().execution_provider == "cuda" and again.loader.provider == "cuda"
        # This onnxruntime offers no CUDA: the CPU runs, and that is what is shown.
        assert again.loader.providers() == ["CPUExecutionProvider"]
        with pytest.raises(Exception, match="cpu or cuda"):
            again.settings.set_provider("tpu")
    finally:
        again.shutdown()


def test_use_bundled_model_puts_the_checked_bundled_files_in_the_model_folder(
    qtbot, make_window: MakeWindow, empty: Path
) -> None:
    window = make_window(empty)
    window.commands.models.trigger()
    dialog = window.model_dialog
    assert dialog.bundled_button.isEnabled()
    with qtbot.waitSignal(dialog.models.finished, timeout=120_000):
        qtbot.mouseClick(dialog.bundled_button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in empty.iterdir()) == ["kokoro-v1.0.int8.onnx", "voices_ja.npz"]
    assert hashlib.sha256((empty / INT8).read_bytes()).hexdigest() == downloads.OFFICIAL_FILES[INT8].sha256
    assert dialog.voices_label.text() == "voices_ja.npz — 5 voices" and not dialog.problem.isVisible()
