"""The controller's project commands: list, open, create, rename, delete (a mixin of Controller)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from narrator_app.app.undo import UndoHistory
from narrator_app.core.batch import BatchProgress
from narrator_app.core.rules import ProjectError
from narrator_app.engine.audio_files import AUDIO_DIR
from narrator_app.store import ProjectRecord, Repository

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class ProjectCommands:
    """Project commands; the state and signals they use are the Controller's."""

    data_dir: Path
    repository: Repository
    project: ProjectRecord
    batch: BatchProgress | None
    edits: UndoHistory
    if TYPE_CHECKING:
        project_changed: SignalInstance
        batch_changed: SignalInstance
        history_changed: SignalInstance

        def cancel_segment(self, segment_id: int, reason: str = "") -> bool: ...

    def projects(self) -> list[tuple[ProjectRecord, int]]:
        """Every project with its number of segments."""
        return self.repository.list_projects()

    def open_project(self, name_or_id: str | int) -> ProjectRecord:
        found = self._project(name_or_id)
        if found != self.project:
            self.project = found
            self.batch = None
            self.project_changed.emit()
            self.batch_changed.emit()
            self.history_changed.emit()
        return found

    def create_project(self, name: str) -> ProjectRecord:
        return self.repository.create_project(self._free_name(name))

    def _project(self, name_or_id: str | int) -> ProjectRecord:
        if isinstance(name_or_id, int):
            found = self.repository.get_project(name_or_id)
            if found is None:
                raise ProjectError("This project no longer exists (deleted from elsewhere?).")
            return found
        found = self.repository.find_project(name_or_id)
        if found is None:
            raise ProjectError(f"There is no project named {name_or_id!r}.")
        return found

    def rename_project(self, old: str | int, new: str) -> ProjectRecord:
        """Rename the project named (or with the id) `old`."""
        found = self._project(old)
        renamed = self.repository.rename_project(found.id, self._free_name(new, keep=found.id))
        assert renamed is not None
        if renamed.id == self.project.id:
            self.project = renamed
            self.project_changed.emit()
        return renamed

    def delete_project(self, name_or_id: str | int) -> ProjectRecord:
        """Delete a project, its segments and their audio. Deleting the open project opens another
        one (the default project is created again if none is left)."""
        found = self._project(name_or_id)
        for record in self.repository.list_segments(found.id):
            self.cancel_segment(record.id, "Cancelled: its project was deleted.")
        self.repository.delete_project(found.id)
        shutil.rmtree(self.data_dir / AUDIO_DIR / str(found.id), ignore_errors=True)
        self.edits.forget(found.id)
        if found.id == self.project.id:
            remaining = self.repository.list_projects()
            self.project = remaining[0][0] if remaining else self.repository.ensure_project()
            self.batch = None
            self.project_changed.emit()
            self.batch_changed.emit()
            self.history_changed.emit()
        return found

    def _free_name(self, name: str, keep: int | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ProjectError("A project needs a name.")
        if len(name) > 200:
            raise ProjectError("A project name can be 200 characters at most.")
        taken = self.repository.find_project(name)
        if taken is not None and taken.id != keep:
            raise ProjectError(f"There is already a project named {taken.name!r}.")
        return name
