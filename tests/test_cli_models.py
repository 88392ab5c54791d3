"""`narrator-app models status|install|download` and voice blends on the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from model_server import serving
from narrator_app.cli import main
from narrator_app.engine import download as downloads
from narrator_app.engine.download import OfficialFile

Run = Callable[..., tuple[int, dict[str, Any]]]
INT8, VOICES = "kokoro-v1.0.int8.onnx", "voices-v1.0.bin"
STATUS_KEYS = {
    "available",
    "model_file",
    "assembled",
    "voices_file",
    "voices",
    "source",
    "provider",
    "problem",
}


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    """The CLI reuses pytest-qt's QApplication."""


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def run_cli(*args: str, model_dir: Path) -> tuple[int, dict[str, Any]]:
        argv = ["--data-dir", str(tmp_path / "data"), "--model-dir", str(model_dir)]
        try:
            code = main([*argv, *args, "--json"])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
        assert len(lines) == 1, lines
        return code, json.loads(lines[0])

    return run_cli


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


def test_status_of_an_empty_model_folder(run: Run, empty: Path) -> None:
    code, out = run("models", "status", model_dir=empty)
    assert code == 6 and set(out) == STATUS_KEYS
    assert out["available"] is False and out["voices"] == [] and out["provider"] == "CPUExecutionProvider"
    assert str(empty) in out["problem"] and "kokoro-v1.0.onnx" in out["problem"]


def test_install_then_status_then_generate(
    run: Run, empty: Path, real_model_dir: Path, tmp_path: Path
) -> None:
    code, out = run(
        "models",
        "install",
        "--model",
        str(real_model_dir / INT8),
        "--voices",
        str(real_model_dir / VOICES),
        model_dir=empty,
    )
    assert code == 0 and out["status"] == "INSTALLED"
    assert out["model_file"] == str(empty / INT8) and out["voices_file"] == str(empty / VOICES)
    code, out = run("models", "status", model_dir=empty)
    assert code == 0 and out["available"] is True and out["problem"] is None
    assert out["voices"] == ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"]
    assert out["source"] == "model_dir" and out["provider"] == "CPUExecutionProvider"


def test_status_names_a_truncated_model_and_generate_is_refused(
    run: Run, empty: Path, real_model_dir: Path
) -> None:
    (empty / INT8).write_bytes((real_model_dir / INT8).read_bytes()[:3_000_000])
    shutil.copyfile(real_model_dir / VOICES, empty / VOICES)
    code, out = run("models", "status", model_dir=empty)
    assert code == 6 and out["available"] is False
    assert str(empty / INT8) in out["problem"] and "cannot be loaded" in out["problem"]
    code, added = run("segments", "add", "Hello.", model_dir=empty)
    code, out = run("generate", str(added["id"]), model_dir=empty)
    assert code == 1 and out["status"] == "FAILED" and str(empty / INT8) in out["message"]


def test_installing_a_bad_model_fails_and_keeps_the_working_one(
    run: Run, empty: Path, real_model_dir: Path, tmp_path: Path
) -> None:
    shutil.copyfile(real_model_dir / INT8, empty / INT8)
    shutil.copyfile(real_model_dir / VOICES, empty / VOICES)
    bad = tmp_path / "kokoro-v1.0.onnx"
    bad.write_bytes(b"\x08\x07 not really a model")
    code, out = run("models", "install", "--model", str(bad), model_dir=empty)
    assert code == 1 and out["status"] == "FAILED" and str(bad) in out["message"]
    assert sorted(p.name for p in empty.iterdir()) == [INT8, VOICES]
    code, out = run("models", "install", model_dir=empty)
    assert code == 2


def test_download_from_a_local_server(
    run: Run, empty: Path, real_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copyfile(real_model_dir / INT8, release / INT8)
    shutil.copyfile(real_model_dir / VOICES, release / VOICES)
    digest = hashlib.sha256((release / VOICES).read_bytes()).hexdigest()
    files = dict(downloads.OFFICIAL_FILES)
    files[VOICES] = OfficialFile(VOICES, "tiny", (release / VOICES).stat().st_size, digest)
    monkeypatch.setattr(downloads, "OFFICIAL_FILES", files)
    with serving(release) as server:
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        code, out = run("models", "download", "--variant", "int8", model_dir=empty)
    assert code == 0 and out["status"] == "INSTALLED" and out["model_file"] == str(empty / INT8)
    code, out = run("models", "download", "--variant", "fp64", model_dir=empty)
    assert code == 2


def test_a_blend_is_a_voice_everywhere_and_renders_with_the_real_model(
    run: Run, real_model_dir: Path
) -> None:
    code, out = run("settings", "--voice", "jf_alpha:2, jm_kumo:1", model_dir=real_model_dir)
    assert code == 0 and out["default_voice_id"] == "jf_alpha:2,jm_kumo:1"
    for bad, words in (
        ("jf_alpha:0", "from 0.01 to 100"),
        ("jf_alpha:x", "not a number"),
        ("af_onyx:1,jm_kumo", "af_onyx"),
    ):
        code, out = run("settings", "--voice", bad, model_dir=real_model_dir)
        assert code == 2 and words in out["message"], out
    code, out = run("settings", "--voice", "am_onyx", model_dir=real_model_dir)
    assert code == 2 and "jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo" in out["message"]
    code, added = run("segments", "add", "A blended voice reads this sentence.", model_dir=real_model_dir)
    code, out = run("generate", str(added["id"]), model_dir=real_model_dir)
    assert code == 0 and out["voice"] == "jf_alpha:2,jm_kumo:1"
    info = sf.info(out["audio_path"])
    assert info.samplerate == 24_000 and info.duration == pytest.approx(out["audio_duration"], abs=0.01)
    assert info.duration > 1.0
    code, out = run("segments", "set", str(added["id"]), "--voice", "jf_nezumi", model_dir=real_model_dir)
    assert code == 0 and out["voice"] == "jf_nezumi" and out["audio_status"] == "outdated"
    code, out = run("generate", str(added["id"]), model_dir=real_model_dir)
    assert code == 0 and out["voice"] == "jf_nezumi"
    assert sf.info(out["audio_path"]).duration == pytest.approx(out["audio_duration"], abs=0.01)
