"""The command line: one JSON object per command with --json, and the agreed exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from narrator_app import __version__
from narrator_app.cli import main

Run = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    """The CLI reuses an existing application object; make sure it is pytest-qt's QApplication."""


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_model_dir: Path) -> Run:
    """Run `narrator-app ARGS --json` in-process against a temp data dir; returns (exit code, JSON)."""

    def run_cli(*args: str, model_dir: Path | None = fake_model_dir) -> tuple[int, dict[str, Any]]:
        argv = ["--data-dir", str(tmp_path / "data")]
        if model_dir is not None:
            argv += ["--model-dir", str(model_dir)]
        try:
            code = main([*argv, *args, "--json"])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out = capsys.readouterr().out
        lines = [line for line in out.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected exactly one JSON line, got: {out!r}"
        return code, json.loads(lines[0])

    return run_cli


def test_segments_add_list_set_delete(run: Run) -> None:
    code, added = run("segments", "add", "Hello there.")
    assert code == 0
    assert added == {"id": added["id"], "position": 0, "text": "Hello there.", "locked": False}
    code, locked = run("segments", "add", "Keep me.", "--locked")
    assert code == 0 and locked["locked"] is True and locked["position"] == 1

    code, listed = run("segments", "list")
    assert code == 0
    assert [s["id"] for s in listed["segments"]] == [added["id"], locked["id"]]
    assert set(listed["segments"][0]) == {
        "id",
        "position",
        "text",
        "locked",
        "audio_file",
        "audio_duration",
        "heard_duration",
        "audio_status",
        "voice",
        "chapter_id",
        "speed",
        "pause_after",
    }

    code, changed = run("segments", "set", str(added["id"]), "--text", "Changed.", "--lock")
    assert code == 0 and changed["text"] == "Changed." and changed["locked"] is True

    code, refused = run("segments", "set", str(added["id"]), "--text", "Again.")
    assert code == 5 and refused["reason"] == "locked" and "unlock it first" in refused["message"]

    code, refused = run("segments", "delete", str(locked["id"]))
    assert code == 5 and refused["status"] == "REFUSED"
    code, _ = run("segments", "set", str(locked["id"]), "--unlock")
    assert code == 0
    code, deleted = run("segments", "delete", str(locked["id"]))
    assert code == 0 and deleted == {"deleted": locked["id"]}

    code, missing = run("segments", "delete", "424242")
    assert code == 4 and missing["reason"] == "not_found"
    code, usage = run("segments", "set", str(added["id"]))
    assert code == 2 and "nothing to change" in usage["message"]


def test_generate_refusals_have_their_exit_codes(run: Run, tmp_path: Path) -> None:
    _, empty = run("segments", "add", "  ")
    _, locked = run("segments", "add", "Locked words.", "--locked")
    _, fine = run("segments", "add", "Fine words.")
    code, out = run("generate", "31337")
    assert (code, out["status"], out["reason"], out["segment_id"]) == (4, "REFUSED", "not_found", 31337)
    code, out = run("generate", str(empty["id"]))
    assert (code, out["reason"]) == (3, "empty_text")
    assert out["message"] == f"Segment {empty['id']} has no text to generate audio from."
    code, out = run("generate", str(locked["id"]))
    assert (code, out["reason"]) == (5, "locked")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    code, out = run("generate", str(fine["id"]), model_dir=nothing)
    assert (code, out["reason"]) == (6, "model_missing")
    assert str(nothing) in out["message"] and "kokoro-v1.0.int8.onnx" in out["message"]


def test_generate_with_the_real_model(run: Run, real_model_dir: Path, tmp_path: Path) -> None:
    _, seg = run("segments", "add", "A sentence spoken from the command line.", model_dir=real_model_dir)
    code, out = run("generate", str(seg["id"]), model_dir=real_model_dir)
    assert code == 0, out
    assert out["status"] == "COMPLETED" and out["segment_id"] == seg["id"]
    assert out["task_id"].startswith(f"tts_{seg['id']}_")
    assert re.fullmatch(rf"audio/1/segment_{seg['id']}_take1_[0-9a-f]{{6}}\.wav", out["audio_file"])
    assert out["audio_path"] == str(tmp_path / "data" / out["audio_file"])
    info = sf.info(out["audio_path"])
    assert out["audio_duration"] == pytest.approx(info.frames / info.samplerate)
    assert out["voice"] == "jf_alpha" and out["message"] == ""
    _, listed = run("segments", "list", model_dir=real_model_dir)
    assert listed["segments"][0]["audio_duration"] == pytest.approx(out["audio_duration"])


def test_settings_show_change_and_refuse_bad_values(run: Run) -> None:
    code, out = run("settings")
    takes = {"take_limit": 5, "auto_trim_margin": None}  # the project's (added beside the three)
    assert code == 0 and out == {
        "default_voice_id": "af_heart",
        "tts_speed": 1.0,
        "language": "en-us",
        **takes,
    }
    code, out = run("settings", "--voice", "am_michael", "--speed", "1.25", "--language", "en-gb")
    expected = {"default_voice_id": "am_michael", "tts_speed": 1.25, "language": "en-gb", **takes}
    assert code == 0 and out == expected
    code, out = run("settings", "--speed", "2.5")
    assert code == 2 and "0.5 and 2.0" in out["message"]
    code, out = run("settings", "--voice", "am_onyx")
    assert code == 2 and "af_heart, am_michael" in out["message"]
    code, out = run("settings", "--language", "xx")
    assert code == 2 and "pt-br" in out["message"]
    code, out = run("settings")
    assert out["default_voice_id"] == "am_michael"  # refused values changed nothing


def test_voices_lists_the_voices_file(run: Run, fake_model_dir: Path, tmp_path: Path) -> None:
    code, out = run("voices")
    assert code == 0
    assert out == {
        "voices": ["af_heart", "am_michael"],
        "model_file": str(fake_model_dir / "kokoro-v1.0.int8.onnx"),
        "voices_file": str(fake_model_dir / "voices-v1.0.bin"),
    }
    empty = tmp_path / "e"
    empty.mkdir()
    code, out = run("voices", model_dir=empty)
    assert code == 6 and out["reason"] == "model_missing"


def test_usage_errors_exit_2_with_json(run: Run) -> None:
    code, out = run("generate", "not-a-number")
    assert code == 2 and out["status"] == "ERROR"


@pytest.mark.parametrize("entry", [["narrator-app"], [sys.executable, "-m", "narrator_app"]])
def test_version_from_the_script_and_python_m(entry: list[str], tmp_path: Path) -> None:
    if entry[0] == "narrator-app":
        script = Path(sys.executable).with_name("narrator-app")
        if not script.exists():
            pytest.skip("the console script is not installed next to this interpreter")
        entry = [str(script)]
    out = subprocess.run([*entry, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"narrator-app {__version__}"


def test_a_subprocess_prints_one_json_object_and_exits_4(tmp_path: Path) -> None:
    env = {**os.environ, "NARRATOR_APP_DATA_DIR": str(tmp_path / "d"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "narrator_app", "generate", "5", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 4
    assert json.loads(proc.stdout) == {
        "segment_id": 5,
        "status": "REFUSED",
        "reason": "not_found",
        "message": "Segment 5 does not exist.",
    }
    assert (tmp_path / "d" / "narrator.sqlite3").exists()  # the env var chose the data dir
