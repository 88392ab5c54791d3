"""Desktop integration: the icon and the freedesktop entry, installed for the current user. No Qt.

`narrator-app --install-desktop-entry` puts `narrator-app.desktop` in $XDG_DATA_HOME/applications and
the icons in $XDG_DATA_HOME/icons/hicolor, so Narrator appears in the application menu.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from importlib.resources import as_file, files
from pathlib import Path

from narrator_app import APP_ID

ICON_SIZES = (16, 32, 48, 64, 128, 256)


def asset(name: str) -> Path:
    """A file from assets/, installed with the package."""
    with as_file(files("narrator_app.assets").joinpath(name)) as path:
        return Path(path)


def xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launch_command() -> str:
    """How the desktop entry starts this installation: the narrator-app script beside this Python
    (so it works without the venv on PATH), else this Python with -m."""
    script = Path(sys.executable).with_name("narrator-app")
    if script.is_file():
        return _quote(str(script))
    found = shutil.which("narrator-app")
    if found:
        return _quote(found)
    return f"{_quote(sys.executable)} -m narrator_app"


def _quote(arg: str) -> str:
    # Desktop entry Exec quoting: double quotes around arguments with reserved characters.
    if all(c.isalnum() or c in "/._-+" for c in arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'


def desktop_entry_text(exec_command: str) -> str:
    lines = asset("narrator-app.desktop").read_text(encoding="utf-8").splitlines()
    return "\n".join(f"Exec={exec_command}" if line.startswith("Exec=") else line for line in lines) + "\n"


def install_desktop_entry(data_home: Path | None = None, exec_command: str | None = None) -> list[Path]:
    """Install the entry and the icons for the current user; returns the files written."""
    home = data_home or xdg_data_home()
    written = []
    entry = home / "applications" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry_text(exec_command or launch_command()), encoding="utf-8")
    written.append(entry)
    icons = home / "icons" / "hicolor"
    for size in ICON_SIZES:
        target = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset(f"icons/{APP_ID}-{size}.png"), target)
        written.append(target)
    scalable = icons / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(asset(f"{APP_ID}.svg"), scalable)
    written.append(scalable)
    return written


def exec_argv(entry: Path) -> list[str]:
    """The command line of an installed entry's Exec key (for tests and checks)."""
    for line in entry.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            return shlex.split(line.removeprefix("Exec="))
    raise ValueError(f"{entry} has no Exec line")
