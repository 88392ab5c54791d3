"""What the controller's parts share: the open store and project, the model loader, the task
registry, the workers and the signals (`Events`). Plain state, no commands of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from narrator_app.app.workers import WorkerRegistry
from narrator_app.core.rules import Refusal, not_found, other_project
from narrator_app.core.tasks import TaskManager
from narrator_app.engine import KokoroModelLoader
from narrator_app.store import ProjectRecord, Repository, SegmentRecord


class Events(QObject):
    """The signals the window and the command line listen to; every part of the controller emits
    them, always on the GUI thread."""

    segments_reset = Signal()  # rows added or removed: re-read the list
    chapters_changed = Signal()  # chapters added, renamed, moved or deleted: re-read them
    project_changed = Signal()  # another project was opened (or the current one renamed)
    segment_changed = Signal(int)  # one segment's text, lock or audio changed
    task_changed = Signal(str, int)  # task_id, segment_id: its status changed
    task_progress = Signal(str, int, float)  # task_id, segment_id, fraction of its text done
    batch_changed = Signal()  # the current generate-all batch moved on (or ended)
    settings_changed = Signal()  # voice, speed or language: audio may have become outdated
    history_changed = Signal()  # an edit was recorded, undone or redone (or another project opened)
    model_progress = Signal(float)
    model_prepared = Signal(str)
    # task_id, segment_id, 16-bit mono PCM, sample rate: a previewed segment's audio as it renders
    audio_rendered = Signal(str, int, object, int)


@dataclass
class Session:
    data_dir: Path
    repository: Repository
    project: ProjectRecord
    loader: KokoroModelLoader
    tasks: TaskManager
    workers: WorkerRegistry
    events: Events
    closed: bool = False
    # Opened beside the folder's holder (Controller(read_only=True)): nothing is stored.
    read_only: bool = False

    def segments(self) -> list[SegmentRecord]:
        """The open project's segments, in order."""
        return self.repository.list_segments(self.project.id)

    def own(self, segment_id: int) -> SegmentRecord | Refusal:
        """A segment of the open project, for editing or generating; a refusal for one of another
        project (the command line's --project names the project its ids belong to)."""
        record = self.repository.get_segment(segment_id)
        if record is None:
            return not_found(segment_id)
        return (
            record if record.project_id == self.project.id else other_project(segment_id, self.project.name)
        )

    def audio_path(self, record: SegmentRecord) -> Path | None:
        """The absolute path of a segment's recorded audio, if it has any."""
        return None if record.audio_file is None else self.data_dir / record.audio_file
