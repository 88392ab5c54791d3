"""A segment's own voice: stored, used by its jobs (real model), outdating its audio; and blends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.cli import main
from narrator_app.core.rules import AudioStatus, Refusal, SettingsError
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.fingerprint import Fingerprint
from narrator_app.ui import build_main_window
from narrator_app.ui.segment_model import Column


def generate_and_wait(qtbot, controller: Controller, segment_id: int) -> str:  # type: ignore[no-untyped-def]
    task_id = controller.generation.generate_audio(segment_id)
    assert isinstance(task_id, str), task_id
    qtbot.waitUntil(lambda: not controller.generation.task(task_id).status.is_active, timeout=120_000)
    info = controller.generation.task(task_id)
    assert info.status is TaskStatus.COMPLETED, info.message
    return task_id


def check_wav(controller: Controller, segment_id: int) -> np.ndarray:
    record = controller.segments.get(segment_id)
    assert record is not None and record.audio_duration is not None
    path = controller.segments.audio_path(record)
    samples, rate = sf.read(path, dtype="float32")
    assert rate == 24_000 and len(samples) / rate == pytest.approx(record.audio_duration, abs=0.01)
    return samples


def test_per_segment_voice_and_blend_with_the_real_model(
    qtbot, make_controller, real_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(real_model_dir)
    controller.settings.update(voice="jf_alpha")
    text = "The same words in three voices."
    plain, own, blended = (controller.segments.add(text) for _ in range(3))
    assert controller.segments.set_voice(own.id, "jm_kumo").voice == "jm_kumo"  # type: ignore[union-attr]
    assert (
        controller.segments.set_voice(blended.id, " jf_alpha:1 , jm_kumo:1 ").voice == "jf_alpha:1,jm_kumo:1"
    )  # type: ignore[union-attr]

    voices = {}
    for record in (plain, own, blended):
        task_id = generate_and_wait(qtbot, controller, record.id)
        voices[record.id] = controller.generation.task(task_id).voice
        made = Fingerprint.from_json(controller.segments.get(record.id).audio_fingerprint)  # type: ignore[union-attr]
        assert made is not None and made.voice == voices[record.id]
        assert controller.generation.audio_status(controller.segments.get(record.id))[0] is AudioStatus.READY  # type: ignore[arg-type]
    assert voices == {plain.id: "jf_alpha", own.id: "jm_kumo", blended.id: "jf_alpha:1,jm_kumo:1"}
    samples = [check_wav(controller, r.id) for r in (plain, own, blended)]
    for a, b in ((0, 1), (0, 2), (1, 2)):  # three different renderings of the same text
        n = min(len(samples[a]), len(samples[b]))
        assert not np.allclose(samples[a][:n], samples[b][:n], atol=1e-3)

    # Changing a segment's voice outdates its audio only; back to the global voice outdates it again.
    controller.segments.set_voice(own.id, "jf_nezumi")
    status, why = controller.generation.audio_status(controller.segments.get(own.id))  # type: ignore[arg-type]
    assert status is AudioStatus.OUTDATED and "voice" in why
    assert controller.generation.audio_status(controller.segments.get(plain.id))[0] is AudioStatus.READY  # type: ignore[arg-type]
    summary = controller.generation.generate_all()
    assert not isinstance(summary, Refusal) and summary.queued == 1 and summary.skipped_unchanged == 2
    qtbot.waitUntil(lambda: not controller.tasks.has_active(), timeout=120_000)
    assert controller.generation.task(summary.task_ids[0]).voice == "jf_nezumi"
    check_wav(controller, own.id)
    controller.segments.set_voice(own.id, "")
    assert controller.segments.get(own.id).voice is None  # type: ignore[union-attr]
    assert controller.generation.audio_status(controller.segments.get(own.id))[0] is AudioStatus.OUTDATED  # type: ignore[arg-type]


def test_segment_voice_rules(make_controller, fake_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("Words.")
    with pytest.raises(SettingsError, match="af_heart, am_michael"):
        controller.segments.set_voice(record.id, "am_onyx")
    with pytest.raises(SettingsError, match="from 0.01 to 100"):
        controller.segments.set_voice(record.id, "af_heart:-1,am_michael")
    assert isinstance(controller.segments.set_voice(9999, "af_heart"), Refusal)
    controller.segments.update(record.id, locked=True)
    refusal = controller.segments.set_voice(record.id, "am_michael")
    assert (
        isinstance(refusal, Refusal) and refusal.reason == "locked" and "unlock it first" in refusal.message
    )
    assert controller.segments.get(record.id).voice is None  # type: ignore[union-attr]


def test_segments_set_voice_on_the_command_line(
    qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_model_dir: Path
) -> None:
    def run(*args: str) -> tuple[int, dict[str, Any]]:
        argv = ["--data-dir", str(tmp_path / "data"), "--model-dir", str(fake_model_dir), *args, "--json"]
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
        assert len(lines) == 1, lines
        return code, json.loads(lines[0])

    _, added = run("segments", "add", "Words.")
    code, out = run("segments", "set", str(added["id"]), "--voice", "am_michael")
    assert code == 0 and out["voice"] == "am_michael"
    code, out = run("segments", "set", str(added["id"]), "--voice", "am_onyx")
    assert code == 2 and "af_heart, am_michael" in out["message"]
    code, out = run("segments", "list")
    assert out["segments"][0]["voice"] == "am_michael"
    code, out = run("segments", "set", str(added["id"]), "--voice", "")
    assert code == 0 and out["voice"] is None
    code, out = run("segments", "set", str(added["id"]), "--lock")
    code, out = run("segments", "set", str(added["id"]), "--voice", "af_heart")
    assert code == 5 and out["reason"] == "locked"


def test_set_voice_from_the_context_menu_outdates_the_row(
    qtbot, tmp_path: Path, fake_model_dir: Path, fake_kokoro: FakeKokoro
) -> None:
    window = build_main_window(
        tmp_path / "data", fake_model_dir, model_factory=lambda files, threads: fake_kokoro
    )
    qtbot.addWidget(window)
    window.show()
    record = window.controller.segments.add("Hello there.")
    window.select_segment(record.id)
    window.commands.generate.trigger()
    row = window.model.row_of(record.id)
    # The row follows the task's signals: wait for what the user sees.
    qtbot.waitUntil(lambda: window.model.index(row, Column.STATUS).data() == "Ready", timeout=30_000)
    # The voice that will be used: the default's name, muted; a segment's own, plainly (issue 19 item 2).
    voice = window.model.index(row, Column.VOICE)
    assert voice.data() == "af_heart"
    assert voice.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "default voice (af_heart)" in voice.data(Qt.ItemDataRole.ToolTipRole)
    assert "current audio was made with af_heart" in voice.data(Qt.ItemDataRole.ToolTipRole)

    asked: list[tuple[str, list[str]]] = []
    window.ask_voice = lambda current, voices: asked.append((current, voices)) or "am_michael"
    assert window.commands.set_voice in window.context_menu.actions()
    window.commands.set_voice.trigger()
    assert asked == [("", ["af_heart", "am_michael"])]
    assert window.model.index(row, Column.VOICE).data() == "am_michael"
    assert window.model.index(row, Column.VOICE).data(Qt.ItemDataRole.ForegroundRole) is None
    tooltip = window.model.index(row, Column.VOICE).data(Qt.ItemDataRole.ToolTipRole)
    assert "own voice: am_michael" in tooltip and "made with af_heart" in tooltip
    assert window.model.index(row, Column.STATUS).data() == "Outdated"
    assert "voice changed" in window.model.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)

    window.ask_voice = lambda current, voices: "am_onyx"
    window.commands.set_voice.trigger()
    assert "Unknown voice 'am_onyx'" in window.message_bar.text
    window.commands.generate.trigger()
    qtbot.waitUntil(lambda: window.model.index(row, Column.STATUS).data() == "Ready", timeout=30_000)
    assert fake_kokoro.calls[-1][1] == "am_michael"


def test_undoing_a_delete_brings_the_segment_back_with_its_own_voice(
    make_controller, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    controller: Controller = make_controller(fake_model_dir, FakeKokoro())
    record = controller.segments.add("Words.")
    controller.segments.set_voice(record.id, "am_michael")
    assert not isinstance(controller.segments.delete(record.id), Refusal)
    assert not isinstance(controller.edits.undo(), Refusal)
    assert controller.segments.get(record.id).voice == "am_michael"  # type: ignore[union-attr]


def test_set_voice_shows_a_blend_of_installed_voices_and_the_bundled_voices_note(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog, QWidget

    from narrator_app.ui.segment_voice import ask_voice

    asked: list[str] = []

    def get_item(parent, title, label, items, current, editable):  # type: ignore[no-untyped-def]
        asked.append(label)
        return items[current], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    parent = QWidget()
    qtbot.addWidget(parent)
    ask = ask_voice(parent)
    ask("", ["jf_alpha", "jm_kumo"])
    ask("", ["af_heart", "am_michael"])
    bundled, official = asked
    assert "jf_alpha:2,jm_kumo:1" in bundled and "af_bella" not in bundled
    assert "Japanese voices read English well" in bundled and "54 official voices" in bundled
    assert "af_heart:2,am_michael:1" in official and "Japanese" not in official
