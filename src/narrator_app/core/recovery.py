"""Start-up repair after a crash (kill -9, power cut): what a half-finished write left behind. No Qt.

Runs when a Controller opens a data folder, which it holds alone (datalock.py), so nothing found
here can belong to work in progress. A segment's audio is replaced in four steps (engine/
audio_files.replacing and jobs.TtsJob): the old file is renamed to `.segment_<id>.wav.<12
hex>.previous` (a new name each time; `.segment_<id>.wav.previous` before), the new one renamed into
place, the database updated, the old one removed. A crash between any two leaves `.previous`
files, and the file whose duration equals the recorded one is the right one.
Temporary files (`.<name>.<12 hex>.part`) are removed, and so are segment files no row records
(the segment was deleted, or its first audio never got recorded) and folders of deleted projects.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from narrator_app.engine.audio_files import AUDIO_DIR
from narrator_app.store import Repository, SegmentRecord

log = logging.getLogger(__name__)

PENDING_EXPORTS = "pending-exports"  # journals of exports in progress, in the data folder
_TEMP = re.compile(r"\..+\.[0-9a-f]{12}\.part")  # engine/audio_files.create_temp_beside
_PREVIOUS = re.compile(r"\.segment_\d+\.wav(\.[0-9a-f]{12})?\.previous")  # audio_files.replacing
_SEGMENT = re.compile(r"segment_\d+(_take\d+_[0-9a-f]{6})?\.wav")  # audio_files: a segment's, a take's
_ASSEMBLY_TEMP = re.compile(r"\..+\.part")  # engine/bundled.assemble_bundled_model (mkstemp)


@dataclass
class RecoveryReport:
    removed: list[Path] = field(default_factory=list)  # temporary and unrecorded files
    restored: list[int] = field(default_factory=list)  # segments whose recorded audio was put back
    cleared: list[int] = field(default_factory=list)  # segments whose audio was lost: to generate again

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.restored or self.cleared)


def _duration_matches(path: Path, duration: float | None) -> bool:
    if duration is None or not path.is_file():
        return False
    try:
        info = sf.info(str(path))
    except (OSError, RuntimeError, sf.LibsndfileError):
        return False
    return info.frames > 0 and math.isclose(info.frames / info.samplerate, duration, abs_tol=1e-6)


def _remove(path: Path, report: RecoveryReport) -> None:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("Could not remove %s: %s", path, error)
        return
    report.removed.append(path)


def _previous_copies(path: Path) -> list[Path]:
    """The earlier files `replacing` set aside for `path` (newest first)."""
    if not path.parent.is_dir():
        return []
    found = [
        entry
        for entry in path.parent.iterdir()
        if entry.name.startswith(f".{path.name}.") and _PREVIOUS.fullmatch(entry.name)
    ]
    return sorted(found, key=lambda entry: entry.stat().st_mtime_ns, reverse=True)


def _repair_segment(
    data_dir: Path, record: SegmentRecord, repository: Repository, report: RecoveryReport
) -> None:
    assert record.audio_file is not None
    path = data_dir / record.audio_file
    copies = _previous_copies(path)
    if copies:
        if _duration_matches(path, record.audio_duration):
            for copy in copies:  # the new audio was recorded; the old one was not yet removed
                _remove(copy, report)
            return
        recorded = next((c for c in copies if _duration_matches(c, record.audio_duration)), None)
        if recorded is not None:
            os.replace(recorded, path)  # the new audio never got recorded: put the recorded one back
            for copy in copies:
                if copy != recorded:
                    _remove(copy, report)
            report.restored.append(record.id)
            log.info("Segment %d: put its recorded audio back after an interrupted replacement", record.id)
            return
    elif path.is_file():
        return
    repository.set_audio(record.id, None, None, None)
    report.cleared.append(record.id)
    log.warning(
        "Segment %d: its audio file %s is missing or damaged; it will be generated again", record.id, path
    )


def _check_takes(
    data_dir: Path, record: SegmentRecord, repository: Repository, report: RecoveryReport
) -> set[str]:
    """The files of the segment's takes (recorded, so kept); a take other than the current one whose
    file is gone is forgotten."""
    kept: set[str] = set()
    for take in repository.takes.of(record.id):
        if (data_dir / take.audio_file).is_file():
            kept.add(take.audio_file)
        elif not take.current:
            repository.takes.delete(record.id, take.number)
            log.warning("Segment %d: take %d's file is gone; the take was forgotten", record.id, take.number)
    return kept


def _sweep_audio(data_dir: Path, projects: set[int], recorded: set[str], report: RecoveryReport) -> None:
    root = data_dir / AUDIO_DIR
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if not folder.is_dir() or not folder.name.isdigit():
            continue  # not ours
        if int(folder.name) not in projects:
            _remove(folder, report)  # its project was deleted before the folder was
            continue
        for entry in folder.iterdir():
            name = entry.name
            relative = f"{AUDIO_DIR}/{folder.name}/{name}"
            if (
                _TEMP.fullmatch(name)
                or _PREVIOUS.fullmatch(name)
                or (_SEGMENT.fullmatch(name) and relative not in recorded)
            ):
                _remove(entry, report)


def _sweep_exports(data_dir: Path, report: RecoveryReport) -> None:
    journals = data_dir / PENDING_EXPORTS
    if not journals.is_dir():
        return
    for journal in journals.glob("*.json"):
        try:
            targets = [Path(t) for t in json.loads(journal.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError) as error:
            log.warning("Ignoring the unreadable export journal %s: %s", journal, error)
            targets = []
        for target in targets:
            if target.parent.is_dir():
                for entry in target.parent.iterdir():
                    if entry.name.startswith(f".{target.name}.") and _TEMP.fullmatch(entry.name):
                        _remove(entry, report)
        journal.unlink(missing_ok=True)


def recover(data_dir: Path, repository: Repository) -> RecoveryReport:
    """Repair what an interrupted write left in `data_dir`; see the module's docstring."""
    report = RecoveryReport()
    projects = {project.id for project, _count in repository.list_projects()}
    recorded: set[str] = set()
    for project_id in projects:
        for record in repository.list_segments(project_id):
            if record.audio_file is not None:
                _repair_segment(data_dir, record, repository, report)
                if record.id not in report.cleared:
                    recorded.add(record.audio_file)
            recorded |= _check_takes(data_dir, record, repository, report)
    _sweep_audio(data_dir, projects, recorded, report)
    models = data_dir / "models"
    if models.is_dir():
        for entry in models.iterdir():
            if _ASSEMBLY_TEMP.fullmatch(entry.name):
                _remove(entry, report)
    _sweep_exports(data_dir, report)
    if report.changed:
        log.info(
            "Recovered after an interruption: removed %d files, restored %d and cleared %d segments' audio",
            len(report.removed),
            len(report.restored),
            len(report.cleared),
        )
    return report


@contextmanager
def pending_export(data_dir: Path, targets: Iterable[Path]) -> Iterator[None]:
    """Note the files an export is about to write, so that `recover` removes their temporary files
    if the process dies before the export ends."""
    journals = data_dir / PENDING_EXPORTS
    journal = journals / f"{secrets.token_hex(6)}.json"
    try:
        journals.mkdir(parents=True, exist_ok=True)
        with journal.open("w", encoding="utf-8") as handle:
            json.dump([str(t) for t in targets], handle)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:  # the export itself may still work; only the clean-up note is lost
        log.warning("Cannot note the export in %s: %s", journal, error)
    try:
        yield
    finally:
        journal.unlink(missing_ok=True)
