"""One Narrator process per data folder: the second is refused clearly; a dead one's lock is taken over."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fakes import FakeKokoro
from narrator_app.app.controller import Controller
from narrator_app.app.datalock import LOCK_NAME, DataDirInUse

MakeController = Callable[..., Controller]


def test_a_second_controller_on_the_same_data_folder_is_refused_until_the_first_closes(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    first = make_controller(fake_model_dir, FakeKokoro())
    first.segments.add("Written by the first.")
    with pytest.raises(DataDirInUse, match=f"Another Narrator \\(process {os.getpid()} on .*--data-dir"):
        Controller(first.data_dir, fake_model_dir)
    first.shutdown()
    second = make_controller(fake_model_dir, FakeKokoro())
    assert [s.text for s in second.segments.all()] == ["Written by the first."]


def test_the_command_line_is_refused_while_the_window_holds_the_folder(
    make_controller: MakeController, fake_model_dir: Path
) -> None:
    window_controller = make_controller(fake_model_dir, FakeKokoro())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "narrator_app",
            "--data-dir",
            str(window_controller.data_dir),
            "segments",
            "add",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 7  # its own exit code: another Narrator uses this data folder
    assert "Another Narrator" in done.stderr and "Traceback" not in done.stderr
    assert window_controller.segments.all() == []  # nothing was written behind the window's back


def test_the_lock_of_a_killed_process_is_taken_over(tmp_path: Path, qapp: object) -> None:
    data = tmp_path / "data"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication;"
            "from narrator_app.app.controller import Controller; app = QCoreApplication([]);"
            f"c = Controller(Path({str(data)!r})); print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(DataDirInUse, match=f"process {holder.pid}"):
            Controller(data)
    finally:
        holder.kill()
        holder.communicate()
    assert (data / LOCK_NAME).exists()  # left behind by the kill
    controller = Controller(data)
    controller.shutdown()
    assert not (data / LOCK_NAME).exists()


def test_a_folder_where_no_lock_can_be_written_is_refused_clearly(tmp_path: Path, qapp: object) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o500)
    try:
        with pytest.raises(Exception, match="Cannot write in the data folder"):
            Controller(data)
    finally:
        data.chmod(0o700)
