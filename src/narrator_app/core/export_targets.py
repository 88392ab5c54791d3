"""Where an export may write: never into the data folder, never one of its own outputs twice.

An export names every file it will write before it starts (the audio, the subtitles beside it, each
segment's own file). Each is resolved (symlinks followed, so a link to the database counts as the
database) and refused if it lies in the data folder, which holds the database (with its -wal and
-shm), the lock, audio/, deleted-audio/, models/, cache/ and pending-exports/: a file written there
would replace the user's work or be swept away by the next start's recovery. Two targets that are
the same file (`--out story.srt --subtitles srt`) are refused too: one would overwrite the other.
So is a target that is one of the export's inputs (`--out cover.png --cover cover.png`), and one that
exists but is not a regular file (`/dev/null`, a named pipe, a socket): an export writes a temporary
file and renames it into place, which would put a plain file where the device was.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from narrator_app.engine.export import ExportItem, segment_file_name, subtitle_path


class ExportTargetError(ValueError):
    """An export target is not allowed; the message says which and why. Nothing was written."""


def export_targets(
    out_path: Path, fmt: str, subtitles: str | None, segments_dir: Path | None, items: Sequence[ExportItem]
) -> list[Path]:
    """Every file the export writes: the audio, its subtitles, then each segment's own file."""
    targets = [out_path] + ([subtitle_path(out_path, subtitles)] if subtitles else [])
    if segments_dir is not None:
        targets += [segments_dir / segment_file_name(n, item.text, fmt) for n, item in enumerate(items, 1)]
    return targets


def _resolved(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path))  # follows every symlink that exists; loops end, not raise
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _not_a_file(path: Path) -> str | None:
    """What an existing path is when it is neither a regular file nor a folder (folders are refused
    by the exports themselves, with their own message), else None."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None  # not there (yet): written new
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def check_export_targets(
    targets: Sequence[Path],
    data_dir: Path | None,
    segments_dir: Path | None = None,
    inputs: Sequence[Path] = (),
) -> None:
    """Raise ExportTargetError if a target (or the segments folder) is in the data folder, two
    targets are the same file, a target is one of `inputs` (the cover) or an existing non-file."""
    data = _resolved(data_dir) if data_dir is not None else None
    read = {_resolved(path): path for path in inputs}
    if data is not None and segments_dir is not None and _inside(_resolved(segments_dir), data):
        raise ExportTargetError(
            f"The folder {segments_dir} is inside Narrator's data folder {data_dir}, which holds the "
            "database and every segment's audio. Choose a folder outside it; nothing was written."
        )
    if segments_dir is not None and _resolved(segments_dir) in {_resolved(t) for t in targets}:
        raise ExportTargetError(
            f"{segments_dir} is both the folder for the segments' files and a file of the export. "
            "Choose another folder; nothing was written."
        )
    seen: dict[Path, Path] = {}
    for target in targets:
        real = _resolved(target)
        if data is not None and _inside(real, data):
            shown = target if real == target else f"{target} (which is {real})"
            raise ExportTargetError(
                f"Cannot export to {shown}: it is inside Narrator's data folder {data_dir}, which holds "
                "the database and every segment's audio. Choose a file outside it; nothing was written."
            )
        if real in read:
            raise ExportTargetError(
                f"Cannot export to {target}: it is {read[real]}, which this export reads (the cover). "
                "Choose another name; nothing was written."
            )
        kind = _not_a_file(real)
        if kind is not None:
            raise ExportTargetError(
                f"Cannot export to {target}: it is {kind}, not a file. An export writes a new file "
                "and puts it in place, which would replace it. Choose a file name; nothing was written."
            )
        if real in seen:
            raise ExportTargetError(
                f"The export would write two of its files to the same place, {real}: one would "
                "overwrite the other. Choose another name; nothing was written."
            )
        seen[real] = target
