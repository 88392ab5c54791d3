"""Security: paths only from ids and the user's choices, no pickle/shell/eval, no user text in the log."""

from __future__ import annotations

import ast
import logging
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from fakes import FakeKokoro
from narrator_app.app.errors import VoicesUnavailable
from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.voices import VoicesFileError
from narrator_app.logs import setup_logging
from support import MakeController, wait_for_tasks

SRC = Path(__file__).resolve().parents[1] / "src" / "narrator_app"
FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "subprocess", "socket", "urllib",
                     "http", "requests", "ftplib", "telnetlib", "xmlrpc"}  # fmt: skip
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnv"),
}


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


# The one module that may use the network: the model download the user asks for (HTTPS only, plain http
# only for 127.0.0.1; size and SHA-256 checked; tests in test_model_install.py).
NETWORK_ALLOWED = {Path("narrator_app/engine/download.py")}
NETWORK_MODULES = {"socket", "urllib", "http"}


def test_no_pickle_shell_eval_or_network_in_the_code() -> None:
    problems = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(SRC.parent)
        forbidden = FORBIDDEN_MODULES - NETWORK_MODULES if where in NETWORK_ALLOWED else FORBIDDEN_MODULES
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                problems += [
                    f"{where}:{node.lineno} imports {n}"
                    for n in names
                    if n.split(".")[0] in forbidden and n != "urllib.parse"  # parsing an EPUB's links
                ]
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                    problems.append(f"{where}:{node.lineno} calls {func.id}()")
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    if (func.value.id, func.attr) in FORBIDDEN_ATTRIBUTES:
                        problems.append(f"{where}:{node.lineno} calls {func.value.id}.{func.attr}()")
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg in ("shell", "allow_pickle") and not (
                        isinstance(value, ast.Constant) and value.value is False
                    ):
                        problems.append(f"{where}:{node.lineno} passes {keyword.arg}={ast.unparse(value)}")
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "load"
                    and ast.unparse(func.value) == "np"
                ):
                    if not any(k.arg == "allow_pickle" for k in node.keywords):
                        problems.append(f"{where}:{node.lineno} np.load without allow_pickle=False")
    assert problems == []


def test_file_names_come_from_ids_never_from_text_or_names(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    project = c.projects.open(c.projects.create("../../../escape ~ $HOME `id` ; rm -rf").name)
    segment = c.segments.add("../../../evil.wav\n/etc/passwd. C:\\Windows\\win.ini. $(id).")
    outside_before = sorted(p for p in tmp_path.rglob("*") if c.data_dir not in p.parents)
    task_id = c.generation.generate_audio(segment.id)
    wait_for_tasks(qtbot, c, [task_id])
    assert c.generation.task(task_id).status is TaskStatus.COMPLETED
    audio_file = str(c.segments.get(segment.id).audio_file)  # ids and a take number only (issue 18)
    assert re.fullmatch(rf"audio/{project.id}/segment_{segment.id}_take1_[0-9a-f]{{6}}\.wav", audio_file)
    assert sorted(p for p in tmp_path.rglob("*") if c.data_dir not in p.parents) == outside_before
    for path in c.data_dir.rglob("*"):
        assert ".." not in path.relative_to(c.data_dir).parts and "evil" not in path.name


class _Trap:
    """Unpickling this creates a file: proof that untrusted data was executed."""

    marker: Path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


def test_a_voices_file_holding_pickled_objects_is_never_unpickled(
    qtbot, make_controller: MakeController, real_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    trap = _Trap()
    trap.marker = marker
    assert pickle.loads(pickle.dumps(trap)) is None and marker.exists()  # the trap works when unpickled
    marker.unlink()
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "kokoro-v1.0.int8.onnx").symlink_to(real_model_dir / "kokoro-v1.0.int8.onnx")
    payload = np.empty(1, dtype=object)
    payload[0] = trap
    with (folder / "voices-v1.0.bin").open("wb") as handle:
        np.savez(handle, af_heart=payload)
    c = make_controller(folder)
    # Only the archive's index and each array's header are read: an object array is refused by name.
    with pytest.raises(VoicesUnavailable, match="'af_heart' is a object array") as refused:
        c.settings.available_voices()
    assert isinstance(refused.value.__cause__, VoicesFileError)  # the engine's error, translated
    refusal = c.generation.generate_audio(c.segments.add("Hello.").id)
    assert not isinstance(refusal, str) and refusal.reason == "model_missing"
    assert (
        str(folder / "voices-v1.0.bin") in refusal.message
        and "not a Kokoro voices archive" in refusal.message
    )
    # The model loader (kokoro-onnx's np.load) refuses it too, without unpickling.
    from narrator_app.engine.loader import ModelUnavailableError, load_kokoro
    from narrator_app.engine.model_files import ModelFiles

    with pytest.raises(ModelUnavailableError, match="allow_pickle=False"):
        load_kokoro(ModelFiles(folder / "kokoro-v1.0.int8.onnx", folder / "voices-v1.0.bin"))
    assert not marker.exists()


def test_the_log_holds_no_user_text_unless_debug_logging_is_on(
    qtbot, make_controller: MakeController, real_model_dir: Path, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    secret = "Zanzibar quartz whisper"
    log_file = setup_logging(debug=False, to_file=True)
    assert log_file is not None
    try:
        c = make_controller(real_model_dir)
        spoken = c.segments.add(f"{secret}. Hello 😀 {secret}!")
        task_id = c.generation.generate_audio(spoken.id)
        wait_for_tasks(qtbot, c, [task_id])
        assert c.generation.task(task_id).status is TaskStatus.COMPLETED
        c.shutdown()
        failing = FakeKokoro()
        failing.fail_with = RuntimeError(f"phonemizer choked on {secret!r}")
        f = make_controller(fake_model_dir, failing)
        f.settings.update(voice="af_heart")
        broken = f.segments.add(secret)
        task_id = f.generation.generate_audio(broken.id)
        wait_for_tasks(qtbot, f, [task_id])
        assert (
            f.generation.task(task_id).status is TaskStatus.FAILED
            and secret in f.generation.task(task_id).message
        )  # shown, not logged
        f.shutdown()
        for handler in logging.getLogger().handlers:
            handler.flush()
        logged = log_file.read_text(encoding="utf-8")
        assert "Synthesis failed: RuntimeError" in logged
        assert secret not in logged and "Zanzibar" not in logged
    finally:
        setup_logging(debug=False, to_file=False)
