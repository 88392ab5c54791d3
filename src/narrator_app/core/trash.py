"""The audio of deleted segments, kept while their delete can still be undone. No Qt.

A deleted segment's WAV is moved to `<data dir>/deleted-audio/segment_<id>.wav` (ids are never
reused) and moved back when the delete is undone. A file is removed as soon as no step of the undo
history can bring its segment back (the step fell off the history, was replaced by a new edit, or its
project was deleted), and the whole folder when the controller shuts down. Only one process uses a
data folder at a time (datalock.py), so whatever the folder holds when a controller opens it was
left by a crash, and goes. A reader beside that process (a read-only command) has a trash that is
not its own (`own=False`): it never touches the folder, which holds the writer's undo history.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

TRASH_DIR = "deleted-audio"
_SEGMENT_OF = re.compile(r"segment_(\d+)(?:_take\d+)?\.wav")


class AudioTrash:
    def __init__(self, data_dir: Path, *, own: bool = True) -> None:
        """Call with the data folder's lock held; or with `own` False, for a reader beside the
        holder: then nothing is moved or removed."""
        self.folder = data_dir / TRASH_DIR
        self.own = own
        if own:
            shutil.rmtree(self.folder, ignore_errors=True)  # a crashed run's: its history is gone

    def _file(self, segment_id: int) -> Path:
        return self.folder / f"segment_{int(segment_id)}.wav"

    def _take_file(self, segment_id: int, take_id: int) -> Path:
        return self.folder / f"segment_{int(segment_id)}_take{int(take_id)}.wav"

    def keep_take(self, segment_id: int, take_id: int, audio: Path) -> bool:
        """Move a deleted take's file (or one of a deleted segment's takes) into the trash."""
        return self._keep(self._take_file(segment_id, take_id), audio)

    def take_back_take(self, segment_id: int, take_id: int, audio: Path) -> bool:
        """Put a take's kept file back at `audio`; False if there is none."""
        return self._take_back(self._take_file(segment_id, take_id), audio)

    def keep(self, segment_id: int, audio: Path) -> bool:
        """Move a deleted segment's audio into the trash; False (and logged) if it cannot be moved."""
        return self._keep(self._file(segment_id), audio)

    def _keep(self, kept: Path, audio: Path) -> bool:
        if not self.own or not audio.is_file():
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            os.replace(audio, kept)
            return True
        except OSError as error:
            log.warning("Could not keep %s for undo: %s", audio, error)
            audio.unlink(missing_ok=True)
            return False

    def take_back(self, segment_id: int, audio: Path) -> bool:
        """Put a segment's kept audio back at `audio`; False if there is none."""
        return self._take_back(self._file(segment_id), audio)

    def _take_back(self, kept: Path, audio: Path) -> bool:
        if not self.own or not kept.is_file():
            return False
        try:
            audio.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, audio)
            return True
        except OSError as error:
            log.warning("Could not restore %s: %s", audio, error)
            return False

    def keep_only(self, segment_ids: Iterable[int]) -> None:
        """Remove the kept audio (and takes) of every segment not among `segment_ids`."""
        if not self.own or not self.folder.is_dir():
            return
        wanted = set(segment_ids)
        for path in self.folder.iterdir():
            found = _SEGMENT_OF.fullmatch(path.name)
            if found is None or int(found.group(1)) not in wanted:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        if self.own:
            shutil.rmtree(self.folder, ignore_errors=True)
