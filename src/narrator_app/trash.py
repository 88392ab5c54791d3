"""The audio of deleted segments, kept while their delete can still be undone.

Each controller (one window or one command-line run) has its own folder
`<data dir>/deleted-audio/<session>/`, held by a QLockFile `<session>.lock` beside it. A deleted
segment's WAV is moved there as `segment_<id>.wav` (ids are never reused) and moved back when the
delete is undone. A file is removed as soon as no step of the undo history can bring its segment back
(the step fell off the history, was replaced by a new edit, or its project was deleted), and the whole
folder when the controller shuts down. If the app crashed, the next controller that opens the data
dir removes every folder whose lock no running process holds.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QLockFile

log = logging.getLogger(__name__)

TRASH_DIR = "deleted-audio"


class AudioTrash:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / TRASH_DIR
        self._remove_abandoned()
        self.folder = self.root / secrets.token_hex(6)
        self._lock: QLockFile | None = None

    def _ensure_folder(self) -> None:
        """Created on the first delete: most runs never need one."""
        if self._lock is None:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = QLockFile(str(self.folder.with_suffix(".lock")))
            lock.setStaleLockTime(0)
            if not lock.tryLock(0):
                raise OSError(f"Cannot lock {self.folder}.lock")
            self._lock = lock
        self.folder.mkdir(parents=True, exist_ok=True)

    def _file(self, segment_id: int) -> Path:
        return self.folder / f"segment_{int(segment_id)}.wav"

    def keep(self, segment_id: int, audio: Path) -> bool:
        """Move a deleted segment's audio into the trash; False (and logged) if it cannot be moved."""
        if not audio.is_file():
            return False
        try:
            self._ensure_folder()
            os.replace(audio, self._file(segment_id))
            return True
        except OSError as error:
            log.warning("Could not keep %s for undo: %s", audio, error)
            audio.unlink(missing_ok=True)
            return False

    def take_back(self, segment_id: int, audio: Path) -> bool:
        """Put a segment's kept audio back at `audio`; False if there is none."""
        kept = self._file(segment_id)
        if not kept.is_file():
            return False
        try:
            audio.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, audio)
            return True
        except OSError as error:
            log.warning("Could not restore %s: %s", audio, error)
            return False

    def keep_only(self, segment_ids: Iterable[int]) -> None:
        """Remove the kept audio of every segment not among `segment_ids`."""
        if not self.folder.is_dir():
            return
        wanted = {self._file(i).name for i in segment_ids}
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        try:
            self.root.rmdir()  # only if no other session uses it
        except OSError:
            pass

    def _remove_abandoned(self) -> None:
        """Folders of controllers that are gone (a crash) are nobody's any more."""
        if not self.root.is_dir():
            return
        sessions = {p.with_suffix("") if p.suffix == ".lock" else p for p in self.root.iterdir()}
        for folder in sessions:
            lock = QLockFile(str(folder.with_suffix(".lock")))
            lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
            if lock.tryLock(0):
                shutil.rmtree(folder, ignore_errors=True)
                lock.unlock()  # also removes the lock file
