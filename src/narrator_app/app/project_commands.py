"""Project commands: list, open, create, rename, delete: `controller.projects`."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from narrator_app.app.session import Session
from narrator_app.app.undo import UndoHistory
from narrator_app.core.rules import ProjectError
from narrator_app.engine.audio_files import AUDIO_DIR
from narrator_app.store import ProjectRecord


class ProjectCommands:
    def __init__(
        self,
        session: Session,
        edits: UndoHistory,
        cancel_segment: Callable[[int, str], bool],
        forget_batch: Callable[[], None],
    ) -> None:
        self._session = session
        self._edits = edits
        self._cancel_segment = cancel_segment
        self._forget_batch = forget_batch

    def all(self) -> list[tuple[ProjectRecord, int]]:
        """Every project with its number of segments."""
        return self._session.repository.list_projects()

    def open(self, name_or_id: str | int) -> ProjectRecord:
        found = self._project(name_or_id)
        if found != self._session.project:
            self._session.project = found
            self._forget_batch()
            self._session.events.project_changed.emit()
            self._session.events.batch_changed.emit()
            self._session.events.history_changed.emit()
        return found

    def create(self, name: str) -> ProjectRecord:
        return self._session.repository.create_project(self._free_name(name))

    def _project(self, name_or_id: str | int) -> ProjectRecord:
        if isinstance(name_or_id, int):
            found = self._session.repository.get_project(name_or_id)
            if found is None:
                raise ProjectError("This project no longer exists (deleted from elsewhere?).")
            return found
        found = self._session.repository.find_project(name_or_id)
        if found is None:
            raise ProjectError(f"There is no project named {name_or_id!r}.")
        return found

    def rename(self, old: str | int, new: str) -> ProjectRecord:
        """Rename the project named (or with the id) `old`."""
        found = self._project(old)
        renamed = self._session.repository.rename_project(found.id, self._free_name(new, keep=found.id))
        assert renamed is not None
        if renamed.id == self._session.project.id:
            self._session.project = renamed
            self._session.events.project_changed.emit()
        return renamed

    def delete(self, name_or_id: str | int) -> ProjectRecord:
        """Delete a project, its segments and their audio. Deleting the open project opens another
        one (the default project is created again if none is left)."""
        found = self._project(name_or_id)
        for record in self._session.repository.list_segments(found.id):
            self._cancel_segment(record.id, "Cancelled: its project was deleted.")
        self._session.repository.delete_project(found.id)
        shutil.rmtree(self._session.data_dir / AUDIO_DIR / str(found.id), ignore_errors=True)
        self._edits.forget(found.id)
        if found.id == self._session.project.id:
            remaining = self._session.repository.list_projects()
            self._session.project = (
                remaining[0][0] if remaining else self._session.repository.ensure_project()
            )
            self._forget_batch()
            self._session.events.project_changed.emit()
            self._session.events.batch_changed.emit()
            self._session.events.history_changed.emit()
        return found

    def _free_name(self, name: str, keep: int | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ProjectError("A project needs a name.")
        if len(name) > 200:
            raise ProjectError("A project name can be 200 characters at most.")
        taken = self._session.repository.find_project(name)
        if taken is not None and taken.id != keep:
            raise ProjectError(f"There is already a project named {taken.name!r}.")
        return name
