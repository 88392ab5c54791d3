"""The freedesktop entry and icon: valid, installed for the user, and launching this installation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon

from narrator_app import __version__
from narrator_app.cli import main
from narrator_app.desktop import ICON_SIZES, asset, exec_argv, install_desktop_entry

VALIDATE = shutil.which("desktop-file-validate")


@pytest.mark.skipif(
    VALIDATE is None, reason="desktop-file-validate (Debian: desktop-file-utils) not installed"
)
def test_the_shipped_entry_is_valid() -> None:
    subprocess.run([VALIDATE, str(asset("narrator-app.desktop"))], check=True, capture_output=True)


def test_install_puts_entry_and_icons_in_the_xdg_dirs(tmp_path: Path) -> None:
    written = install_desktop_entry(tmp_path)
    entry = tmp_path / "applications" / "narrator-app.desktop"
    assert entry in written
    for size in ICON_SIZES:
        assert (tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "narrator-app.png").is_file()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "narrator-app.svg").is_file()
    text = entry.read_text(encoding="utf-8")
    assert "Icon=narrator-app" in text and "Name=Narrator" in text
    if VALIDATE:
        subprocess.run([VALIDATE, str(entry)], check=True, capture_output=True)


def test_the_installed_exec_line_starts_this_installation(tmp_path: Path) -> None:
    install_desktop_entry(tmp_path)
    argv = exec_argv(tmp_path / "applications" / "narrator-app.desktop")
    assert Path(argv[0]).is_file()
    out = subprocess.run([*argv, "--version"], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == f"narrator-app {__version__}"


def test_the_command_line_flag_installs_for_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    assert (tmp_path / "applications" / "narrator-app.desktop").is_file()
    assert "installed" in capsys.readouterr().out


def test_the_icon_loads(qapp: object) -> None:
    icon = QIcon(str(asset("narrator-app.svg")))
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
