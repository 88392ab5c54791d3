"""The application, shared by the GUI and the command line: opens the data folder and composes the
parts that own the commands (`segments`, `projects`, `generation`, `exports`, `settings`, `models`,
`previews`, `edits`, `lexicon`), which share one `Session`. Its signals are the session's `Events`.

Everything here runs on the GUI (main) thread and returns at once: synthesis and model loading
happen in workers (app/workers.py).

`Controller(..., read_only=True)` is for the commands that only read (cli/main.py lists them), run
beside the Narrator that holds the data folder: no lock taken, the database opened read-only (no
migration), no recovery, nothing created; an export is not noted in the data folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject
from sqlalchemy.exc import SQLAlchemyError

from narrator_app.app.chapter_commands import ChapterCommands
from narrator_app.app.datalock import lock_data_dir
from narrator_app.app.exporting import Exports
from narrator_app.app.generation import Generation
from narrator_app.app.lexicon_commands import LexiconCommands
from narrator_app.app.model_jobs import ModelManager
from narrator_app.app.previews import Previews
from narrator_app.app.project_commands import ProjectCommands
from narrator_app.app.segment_commands import SegmentCommands
from narrator_app.app.session import Events, Session
from narrator_app.app.settings_commands import SettingsCommands
from narrator_app.app.take_commands import TakeCommands
from narrator_app.app.undo import UndoHistory
from narrator_app.app.workers import Deadline, WorkerRegistry
from narrator_app.core.recovery import RecoveryReport, recover
from narrator_app.core.rules import ProjectError
from narrator_app.core.tasks import TaskManager
from narrator_app.engine import KokoroModelLoader
from narrator_app.engine.loader import ModelFactory
from narrator_app.paths import database_path
from narrator_app.store import ProjectRecord, Repository, open_database
from narrator_app.store.database import Database, DatabaseError
from narrator_app.store.errors import describe_database_error, short_message
from narrator_app.store.repository import DEFAULT_PROJECT_NAME

log = logging.getLogger(__name__)


class Controller(QObject):
    def __init__(
        self,
        data_dir: Path,
        model_dir: Path | None = None,
        *,
        model_factory: ModelFactory | None = None,
        project: str | int | None = None,
        read_only: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """Open the store in `data_dir` on the project named `project` (ProjectError if there is
        none), or on the default project, created on first use (read-only: found, or ProjectError)."""
        super().__init__(parent)
        self.data_dir = data_dir
        self.read_only = read_only
        # One writer per data folder (datalock.py); readers beside it take no lock.
        self._data_lock = None if read_only else lock_data_dir(data_dir)
        try:
            self.database = open_database(database_path(data_dir), read_only=read_only)
        except BaseException:
            self._unlock()
            raise
        self.repository = Repository(self.database)
        try:
            found = self._find_project(project)
        except BaseException:
            self.database.close()
            self._unlock()
            raise
        # A reader repairs nothing: the folder's holder did that when it started.
        self.recovery = RecoveryReport() if read_only else self._recover()
        self.loader = KokoroModelLoader(data_dir, model_dir, model_factory=model_factory)
        self.loader.provider = self.repository.get_settings().execution_provider
        self.events = Events(self)
        self.workers = WorkerRegistry()  # every worker of this controller, for shutdown
        self.session = Session(
            data_dir, self.repository, found, self.loader, TaskManager(), self.workers, self.events
        )
        self.session.read_only = read_only
        self.tasks = self.session.tasks
        self.settings = SettingsCommands(self.session, on_changed=lambda: self.generation.forget_settings())
        self.generation = Generation(self.session, self.settings.current, self)
        self.edits = UndoHistory(self.session, self.generation.cancel_segment)
        self.segments = SegmentCommands(
            self.session, self.edits, self.generation.cancel_segment, self.settings.check_voice
        )
        self.projects = ProjectCommands(
            self.session, self.edits, self.generation.cancel_segment, self.generation.forget_batch
        )
        self.chapters = ChapterCommands(
            self.session, self.edits, self.generation.cancel_segment, self.generation.audio_status
        )
        self.segments.chapter_of = self.chapters.get
        self.takes = TakeCommands(self.session, self.edits)
        self.exports = Exports(self.session, self.generation.audio_status, self)
        self.models = ModelManager(self.loader, self, registry=self.workers)  # install, download, bundled
        self.models.changed.connect(self._on_models_changed)
        self.previews = Previews(self.loader, data_dir, self, registry=self.workers)
        self.lexicon = LexiconCommands(
            self.session, self.generation.forget_settings, self.settings.current, self
        )
        # Another project has other entries in force (part of every fingerprint).
        self.events.project_changed.connect(self.generation.forget_settings)
        # The signals, as the window and the command line connect to them.
        events = self.events
        self.segments_reset = events.segments_reset
        self.chapters_changed = events.chapters_changed
        self.project_changed = events.project_changed
        self.segment_changed = events.segment_changed
        self.task_changed = events.task_changed
        self.task_progress = events.task_progress
        self.batch_changed = events.batch_changed
        self.settings_changed = events.settings_changed
        self.history_changed = events.history_changed
        self.model_progress = events.model_progress
        self.model_prepared = events.model_prepared
        self.audio_rendered = events.audio_rendered

    @property
    def project(self) -> ProjectRecord:
        """The open project (`projects.open` changes it)."""
        return self.session.project

    def _find_project(self, project: str | int | None) -> ProjectRecord:
        try:
            if isinstance(project, int):
                found = self.repository.get_project(project)
            else:
                found = self.repository.find_project(project) if project else None
            if found is None and (project is None or project == DEFAULT_PROJECT_NAME):
                found = (
                    self.repository.find_project(DEFAULT_PROJECT_NAME)
                    if self.read_only
                    else self.repository.ensure_project()
                )
        except SQLAlchemyError as error:
            raise DatabaseError(describe_database_error(error, self.database.path)) from error
        if found is None:
            raise ProjectError(
                f"There is no project named {project!r}; `narrator-app projects list` shows them."
            )
        return found

    def _recover(self) -> RecoveryReport:
        """Repair what a crash left half-written (recovery.py); never stops Narrator from starting."""
        try:
            return recover(self.data_dir, self.repository)
        except (OSError, SQLAlchemyError) as error:
            log.warning("Could not check the data folder after an interruption: %s", short_message(error))
            return RecoveryReport()

    def _on_models_changed(self) -> None:
        """New model files are in place: keep the voice if the new voices file has it, else take its
        default; every segment's audio status may have changed."""
        self.generation.forget_settings()
        self.settings.keep_voice_after_new_files()
        self.events.settings_changed.emit()
        self.events.model_prepared.emit("")

    # -- lifetime ---------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop taking work, cancel what is queued or running, wait for the workers (all of them
        against one deadline of `timeout_ms`), then close the store and release the data folder.

        True when everything stopped in time. If a worker still runs when the deadline passes, the
        log names it and the database stays open and the data folder locked (a worker may still
        write): both are released when the last worker ends, in its thread. A process that exits
        before that leaves a stale lock, which the next start takes over (datalock.py)."""
        if self.session.closed:
            return True
        self.session.closed = True
        # Queued jobs are cancelled and exit at once when their turn comes; a running job stops
        # at its next chunk. Either way the database and files are left consistent.
        self.generation.stop()
        self.exports.cancel()
        self.models.cancel()
        self.workers.abort_all()  # previews, the model's preparation, a reload
        deadline = Deadline(timeout_ms)
        self.edits.close()
        if not self.workers.wait(deadline):
            names = ", ".join(sorted(worker.name for worker in self.workers.live()))
            log.error(
                "Background work did not stop within %d ms (%s): the database stays open and the "
                "data folder locked until it ends",
                timeout_ms,
                names,
            )
            _LEFTOVERS.add(leftover := _Leftover(self.database, self._data_lock))
            self.workers.when_idle(leftover.release)
            return False
        self.database.close()
        self._unlock()
        return True

    def _unlock(self) -> None:
        if self._data_lock is not None:
            self._data_lock.unlock()


class _Leftover:
    """The database and lock of a controller shut down while a worker still ran: kept (and so held)
    until that worker ends."""

    def __init__(self, database: Database, lock: QLockFile | None) -> None:
        self.database, self.lock = database, lock

    def release(self) -> None:
        self.database.close()
        if self.lock is not None:
            self.lock.unlock()
        _LEFTOVERS.discard(self)
        log.info("The last background work ended: database closed, data folder released")


_LEFTOVERS: set[_Leftover] = set()
