"""Issue 12, items 1-6: hostile targets and input get a clear refusal, fast, and nothing of the user's
is lost. Each test tries the whole class (every way in: window and command line), not one case."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fakes import FakeKokoro
from narrator_app.app.exporting import ExportRequest
from narrator_app.cli import main
from narrator_app.core.rules import Refusal, RefusalReason, SettingsError
from narrator_app.engine.install import Incoming, copy_from, install
from narrator_app.engine.model_files import locate_model_files
from support import MakeController, wait_for_tasks

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_cli(*args: str | bytes, timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "narrator_app", *args],
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def _cli(capsys, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def, type-arg]
    try:
        code = main(["--json", *args])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    lines = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(lines[-1]) if lines else {}


@pytest.fixture
def narrated(qtbot, make_controller: MakeController, fake_model_dir: Path):  # type: ignore[no-untyped-def]
    """A data folder with two segments whose audio is made (FakeKokoro: the content does not matter)."""
    c = make_controller(fake_model_dir, FakeKokoro())
    for text in ("Hello there.", "Second one."):
        c.segments.add(text)
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids)
    return c


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file but the database's own (a checkpoint rewrites those; their rows are checked)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith("narrator."))
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


# -- 1. export never writes into the data folder, nor one of its outputs over another ----------------
def test_export_refuses_the_data_folder_and_outputs_that_collide_from_the_window_and_the_command_line(
    qtbot, narrated, tmp_path: Path, capsys, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    c = narrated
    data = c.data_dir
    (tmp_path / "link.wav").symlink_to(data / "narrator.sqlite3")
    inside = [
        data / "narrator.sqlite3",
        data / "narrator.sqlite3-wal",
        data / "audio" / str(c.project.id) / f"segment_{c.segments.all()[1].id}.wav",
        data / "audio" / str(c.project.id) / "segment_99.wav",
        data / "narrator.lock",
        data / "models" / "out.wav",
        data / "deleted-audio" / "out.wav",
        data / "pending-exports" / "out.wav",
        data / "cache" / "out.wav",
        data / "out.wav",
        tmp_path / "link.wav",
    ]
    collide = [  # (out, subtitles, segments dir): two outputs on one path
        (tmp_path / "story.srt", "srt", None),
        (tmp_path / "segs" / "001 Hello there.wav", None, tmp_path / "segs"),
    ]
    requests = [ExportRequest(out) for out in inside] + [
        ExportRequest(tmp_path / "ok.wav", segments_dir=data / "cache"),
        ExportRequest(tmp_path / "ok.wav", segments_dir=data),
    ]
    requests += [ExportRequest(out, subtitles=subs, segments_dir=segs) for out, subs, segs in collide]
    before = _snapshot(data)
    for request in requests:  # the window's way: the export job refuses, nothing is written
        qtbot.waitUntil(lambda: not c.exports.running)
        with qtbot.waitSignal(c.exports.failed, timeout=20_000) as failed:
            assert c.exports.start(request)[1]
        assert "nothing was written" in failed.args[0], (request, failed.args)
    assert _snapshot(data) == before
    c.shutdown()
    cli_cases = [["--out", str(out)] for out in inside] + [
        ["--out", str(tmp_path / "ok.wav"), "--segments-dir", str(data / "audio")],
        ["--out", str(tmp_path / "story.srt"), "--subtitles", "srt"],
        ["--out", str(tmp_path / "segs" / "001 Hello there.wav"), "--segments-dir", str(tmp_path / "segs")],
    ]
    for case in cli_cases:
        code, out = _cli(capsys, "--data-dir", str(data), "--model-dir", str(fake_model_dir), "export", *case)
        assert code == 2 and "nothing was written" in out["message"], (case, out)
    assert _snapshot(data) == before
    code, listed = _cli(
        capsys, "--data-dir", str(data), "--model-dir", str(fake_model_dir), "segments", "list"
    )
    assert [s["audio_status"] for s in listed["segments"]] == ["ready", "ready"]
    assert not (tmp_path / "story.srt").exists() and not (tmp_path / "segs").exists()
    assert not (tmp_path / "ok.wav").exists()


def test_export_refuses_devices_pipes_and_its_own_cover_as_targets(
    qtbot, narrated, tmp_path: Path, capsys, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """An export renames a new file into place: onto /dev/null that put a plain file where the device
    was (as root); onto --cover it replaced the picture it was reading."""
    import socket
    import stat

    c = narrated
    data = c.data_dir
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.wav"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    targets = [fifo, sock_path, Path(os.devnull)]
    device = tmp_path / "null.wav"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # root only: a copy of /dev/null
        targets.append(device)
    except PermissionError:
        pass
    kinds = {p: os.stat(p).st_mode for p in targets}
    requests = [ExportRequest(p) for p in targets]
    requests.append(ExportRequest(cover, fmt="m4b", cover=cover))
    for request in requests:  # the window's way
        qtbot.waitUntil(lambda: not c.exports.running)
        with qtbot.waitSignal(c.exports.failed, timeout=20_000) as failed:
            assert c.exports.start(request)[1]
        assert "nothing was written" in failed.args[0], (request, failed.args)
    c.shutdown()
    base = ["--data-dir", str(data), "--model-dir", str(fake_model_dir), "export"]
    for target in targets:
        code, out = _cli(capsys, *base, "--out", str(target))
        assert code == 2 and "not a file" in out["message"], (target, out)
    code, out = _cli(capsys, *base, "--out", str(cover), "--format", "m4b", "--cover", str(cover))
    assert code == 2 and "which this export reads (the cover)" in out["message"], out
    assert {p: os.stat(p).st_mode for p in targets} == kinds  # still a pipe, a socket, devices
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert cover.read_bytes() == b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    sock.close()


def test_export_write_errors_are_sentences_not_errno_codes(
    qtbot, narrated, tmp_path: Path, capsys, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """A folder that is a file, a name too long, a read-only folder: each says so in words."""
    c = narrated
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    cases = [
        (a_file / "book.wav", "is a file, not a folder"),
        (a_file / "deeper" / "book.m4b", "is a file, not a folder"),
        (tmp_path / ("x" * 300 + ".wav"), "the name is too long"),
        (tmp_path / ("y" * 300 + ".m4b"), "the name is too long"),
    ]
    for out, said in cases:  # the window's way
        qtbot.waitUntil(lambda: not c.exports.running)
        fmt = out.suffix.lstrip(".")
        with qtbot.waitSignal(c.exports.failed, timeout=20_000) as failed:
            assert c.exports.start(ExportRequest(out, fmt=fmt))[1]
        message = failed.args[0]
        assert said in message and "Errno" not in message, (out, message)
    c.shutdown()
    base = ["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "export"]
    for out, said in cases:
        code, answer = _cli(capsys, *base, "--out", str(out))
        assert code != 0 and said in answer["message"] and "Errno" not in answer["message"], (out, answer)
    assert a_file.read_text(encoding="utf-8") == "mine"


# -- 2. install replaces only the files it writes -----------------------------------------------------
def test_installing_keeps_every_other_file_of_the_model_folder_and_uses_the_new_ones(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    mine = {"kokoro-my-finetune.onnx": b"\x08 my own model", "voices-backup.npz": b"PK my backup"}
    for name, content in mine.items():
        (folder / name).write_bytes(content)
    new_model = tmp_path / "kokoro-v1.0.int8.onnx"
    new_model.write_bytes(b"\x08\x08 a new model")
    new_voices = tmp_path / "voices-v1.0.bin"
    with new_voices.open("wb") as handle:
        np.savez(handle, af_heart=np.zeros((3, 1, 256), np.float32))
    incoming = [
        Incoming("model", new_model.name, copy_from(new_model), str(new_model), new_model.stat().st_size),
        Incoming(
            "voices", "voices-custom.npz", copy_from(new_voices), str(new_voices), new_voices.stat().st_size
        ),
    ]
    installed = install(folder, incoming, lambda files: None, None)
    for name, content in mine.items():
        assert (folder / name).read_bytes() == content, name  # untouched
    found = locate_model_files(tmp_path / "data", folder)
    assert found.model == installed.model == folder / new_model.name
    assert found.voices == installed.voices == folder / "voices-custom.npz"


# -- 3. import takes regular files only, and its size limit holds while it reads ----------------------
def test_import_refuses_fifos_and_devices_fast_and_bounds_what_it_reads(tmp_path: Path) -> None:
    from narrator_app.core.safe_read import FileRefused, read_regular_file

    data = tmp_path / "data"
    fifo = tmp_path / "chapter.txt"
    os.mkfifo(fifo)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "random.md").symlink_to("/dev/urandom")

    def limit_memory() -> None:  # today's code reads /dev/zero until memory runs out
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    for name in ("chapter.txt", "zero.txt", "random.md"):
        done = run_cli("--data-dir", str(data), "import", str(tmp_path / name), preexec_fn=limit_memory)
        assert done.returncode == 2, (name, done.stderr)
        assert "not a regular file" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert json.loads(run_cli("--data-dir", str(data), "--json", "segments", "list").stdout)["segments"] == []
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 101)
    with pytest.raises(FileRefused, match="larger than"):
        read_regular_file(big, 100)  # counted as read, not taken from stat
    assert read_regular_file(big, 101) == b"a" * 101


def test_the_lexicon_is_never_exported_into_the_data_folder_nor_imported_from_a_pipe_or_device(
    narrated, tmp_path: Path, capsys, fake_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """Items 1 and 3 for the lexicon's PLS export and import, the window's way and the command line's."""
    c = narrated
    data = c.data_dir
    c.lexicon.add("zork", say="cork")
    audio = next((data / "audio").rglob("*.wav"))
    fifo = tmp_path / "words.pls"
    os.mkfifo(fifo)
    (tmp_path / "zero.pls").symlink_to("/dev/zero")
    for target in (data / "narrator.sqlite3", audio, fifo):
        with pytest.raises(ValueError, match="nothing was written"):
            c.lexicon.export_pls(target)
    for source in (fifo, tmp_path / "zero.pls"):
        with pytest.raises(ValueError, match="not a regular file"):
            c.lexicon.import_pls(source)
    c.shutdown()
    before = _snapshot(data)
    base = ["--data-dir", str(data), "--model-dir", str(fake_model_dir), "lexicon"]
    for target in (data / "narrator.sqlite3", audio, data / "audio" / "lexicon.pls", fifo):
        code, out = _cli(capsys, *base, "export", "--out", str(target))
        assert code == 2 and "nothing was written" in out["message"], (target, out)
    for source in (fifo, tmp_path / "zero.pls"):
        done = run_cli(*base, "import", str(source), timeout=30)
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    assert _snapshot(data) == before
    code, listed = _cli(capsys, *base[:4], "segments", "list")
    assert code == 0 and [s["audio_status"] for s in listed["segments"]] == ["ready", "ready"]
    code, out = _cli(capsys, *base, "export", "--out", str(tmp_path / "mine.pls"))
    assert code == 0 and out["entries"] == 1 and b"zork" in (tmp_path / "mine.pls").read_bytes()


# -- 4. paths that cannot be used, output that cannot be written -------------------------------------
def test_unusable_folders_and_outputs_get_one_line_and_exit_2(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    for args in (
        ["--data-dir", "", "segments", "list"],
        ["--data-dir", "   ", "segments", "list"],
        ["--data-dir", "~nosuchuser12/x", "segments", "list"],
        ["--data-dir", str(loop), "segments", "list"],
        ["--data-dir", str(tmp_path / "d"), "--model-dir", str(loop / "x"), "voices"],
        ["--data-dir", str(tmp_path / "d"), "--model-dir", "", "voices"],
    ):
        for json_flag in ([], ["--json"]):
            done = run_cli(*json_flag, *args)
            output = done.stdout + done.stderr
            assert done.returncode == 2 and "Traceback" not in output, (args, output)
            assert "empty" in output or "home folder" in output or "loop" in output, (args, output)
    assert not Path("~nosuchuser12").exists()


@pytest.mark.parametrize("variable", ["NARRATOR_APP_DATA_DIR", "NARRATOR_APP_MODEL_DIR"])
def test_an_empty_folder_variable_is_refused_not_taken_for_unset(
    variable: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))  # where an unset variable would lead
    monkeypatch.setenv(variable, "")
    code, out = _cli(capsys, "segments", "list")
    assert code == 2 and f"{variable} is empty" in out["message"], out
    assert not home.exists()  # the usual data folder was not created


def test_a_closed_pipe_is_quiet_and_a_full_device_is_one_message(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert (
        run_cli("--data-dir", data, "import", str(_long_text(tmp_path))).returncode == 0
    )  # > a pipe's buffer
    for json_flag in ([], ["--json"]):
        env = {**os.environ, "PYTHONPATH": SRC}
        command = [sys.executable, "-m", "narrator_app", "--data-dir", data, *json_flag, "segments", "list"]
        lister = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        head = subprocess.Popen(["head", "-c", "0"], stdin=lister.stdout)
        assert lister.stdout is not None
        lister.stdout.close()  # only head holds the pipe now: it closes it at once
        head.wait(timeout=60)
        stderr = lister.communicate(timeout=60)[1].decode()
        assert stderr == "" and lister.returncode == 0, stderr
        with open("/dev/full", "w") as full:
            done = run_cli("--data-dir", data, *json_flag, "segments", "list", stdout=full)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == ["error: cannot write the output: No space left on device"]


def _long_text(tmp_path: Path) -> Path:
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(f"Paragraph {n} of a long text to list." for n in range(2000)))
    return path


# -- 5. ids, invisible text, undecodable arguments, blend weights -------------------------------------
def test_ids_beyond_sqlite_invisible_text_bad_utf8_and_huge_weights_are_refused(
    make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    invisible = c.segments.add("\u200b\ufeff\u2060 \u200c\u200d\u00ad")
    for too_big in (2**63, 2**64, -(2**64)):
        for refusal in (
            c.generation.generate_audio(too_big),
            c.segments.update(too_big, text="x"),
            c.segments.delete(too_big),
        ):
            assert isinstance(refusal, Refusal) and refusal.reason is RefusalReason.NOT_FOUND
    refused = c.generation.generate_audio(invisible.id)
    assert isinstance(refused, Refusal) and refused.reason is RefusalReason.EMPTY_TEXT
    summary = c.generation.generate_all()
    assert summary.skipped_empty == 1 and summary.queued == 0
    for spec in ("af_heart:1e308,am_michael:1", "af_heart:1e-300,am_michael:1", "af_heart:1000,am_michael:1"):
        with pytest.raises(SettingsError, match="from 0.01 to 100"):
            c.settings.check_voice(spec)
    assert c.settings.check_voice("af_heart:100,am_michael:0.01") == "af_heart:100,am_michael:0.01"
    c.shutdown()
    data = ["--data-dir", str(c.data_dir)]
    for command in (
        ["generate", str(2**64)],
        ["segments", "set", str(2**64), "--text", "x"],
        ["segments", "delete", str(2**63)],
    ):
        code, out = _cli(capsys, *data, *command)
        assert code == 4 and "does not exist" in out["message"], (command, out)
    code, out = _cli(capsys, *data, "generate", str(invisible.id))
    assert code == 3, out
    bad = run_cli(*data, "segments", "add", os.fsdecode(b"caf\xe9 \xff"))
    assert bad.returncode == 2 and "not valid UTF-8" in bad.stderr and "Traceback" not in bad.stderr


# -- 6. escape sequences are shown, not obeyed ---------------------------------------------------------
def test_plain_listings_show_terminal_escapes_escaped_and_json_keeps_the_text(
    make_controller: MakeController, fake_model_dir: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    hostile = "Red \x1b[31mALERT\x1b]0;pwned\x07 \u202egnirts\u202c \x9b2J\rline"
    c = make_controller(fake_model_dir, FakeKokoro())
    c.segments.add(hostile)
    c.projects.create("Evil \x1b[2J\u202e name")
    c.shutdown()
    data = ["--data-dir", str(c.data_dir)]
    for command in (["segments", "list"], ["projects", "list"]):
        assert main([*data, *command]) == 0
        out = capsys.readouterr().out
        assert not any(ch in out for ch in "\x1b\x07\x9b\u202e\u202c\r"), repr(out)
    assert main([*data, "segments", "list"]) == 0
    assert "\\e[31mALERT" in capsys.readouterr().out
    code, listed = _cli(capsys, *data, "segments", "list")
    assert code == 0 and listed["segments"][0]["text"] == hostile  # JSON: exact, escaped by json
