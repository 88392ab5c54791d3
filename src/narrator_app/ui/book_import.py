"""A book brought in from the window: read on a worker thread with progress and Cancel, then the
chapter picker, then `controller.chapters.import_book`. Bad files are told in the message bar and
add nothing; so does Cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMainWindow, QProgressDialog

from narrator_app.app.chapter_commands import ChapterError
from narrator_app.app.workers import (
    Deadline,
    Worker,
    WorkerRegistry,
    WorkerSignals,
    WorkerState,
    connect_queued,
)
from narrator_app.core.books import Book, BookImportError, ImportCancelled, read_book
from narrator_app.core.textimport import DEFAULT_LIMIT
from narrator_app.ui.chapter_picker import ChapterPicker
from narrator_app.ui.message_bar import Kind
from narrator_app.ui.window_parts import WindowParts
from narrator_app.ui.window_state import import_limit, save_import_limit

# What a book file is read with: (path, should_cancel, on_progress) -> Book. Tests replace it.
Reader = Callable[..., Book]
# The user's choice for a read book: (file name, book, limit) -> (0-based chapter indices, limit), or
# None for Cancel. Tests replace it.
Pick = Callable[[str, Book, int], tuple[list[int], int] | None]


class BookSignals(WorkerSignals):
    progress = Signal(float)


class BookImport(QObject):
    """One book read at a time, on a thread of its own."""

    def __init__(self, window: WindowParts, widget: QMainWindow) -> None:
        super().__init__(widget)
        self._window = window
        self._widget = widget
        self._controller = window.controller
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._registry = WorkerRegistry()
        self._worker: Worker | None = None
        self._signals: BookSignals | None = None
        self.read: Reader = lambda path, should_cancel, on_progress: read_book(
            path, should_cancel=should_cancel, on_progress=on_progress
        )
        self.pick: Pick = self._pick
        self.progress = QProgressDialog("", "Cancel", 0, 100, widget)
        self.progress.setObjectName("bookImportProgress")
        self.progress.setWindowTitle("Import")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)  # a quick read does not flash a dialog
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self.progress.reset()
        self.progress.hide()
        self._queue: list[Path] = []

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, path: Path) -> None:
        """Read `path` in the background (after the book being read now, if any)."""
        if self._worker is not None:
            self._queue.append(path)
            return
        signals = BookSignals(self)
        self._signals = signals

        def work(state: WorkerState) -> Book:
            return self.read(path, lambda: state.aborted, state.emitter(signals.progress))

        worker = Worker(work, signals, registry=self._registry, name=f"read {path.name}")
        self._worker = worker
        connect_queued(signals.progress, self._on_progress)
        connect_queued(signals.returned, lambda book: self._finish(worker, path, book, None))
        connect_queued(signals.errored, lambda error: self._finish(worker, path, None, error))
        self.progress.setLabelText(f"Reading {path.name}…")
        self.progress.setValue(0)
        self._widget.statusBar().showMessage(f"Reading {path.name}…")
        worker.start(self._pool)

    def cancel(self) -> None:
        """Stop the read; whatever it would have brought is dropped."""
        if self._worker is not None:
            self._worker.abort()
        self._queue.clear()

    def wait(self, timeout_ms: int = -1) -> bool:
        self.cancel()
        return self._registry.wait(Deadline(timeout_ms))

    def _on_progress(self, fraction: float) -> None:
        if self._worker is not None and not self._worker.aborted:
            self.progress.setValue(round(fraction * 100))

    def _finish(self, worker: Worker, path: Path, book: Book | None, error: BaseException | None) -> None:
        if worker is not self._worker:
            return
        aborted = worker.aborted
        self._worker = None
        if self._signals is not None:
            self._signals.deleteLater()
            self._signals = None
        self.progress.reset()
        self.progress.hide()
        self._widget.statusBar().clearMessage()
        try:
            if aborted or isinstance(error, ImportCancelled):
                self._widget.statusBar().showMessage(f"Import of {path.name} cancelled; nothing added.", 8000)
            elif error is not None:
                if not isinstance(error, BookImportError):
                    raise error  # unexpected: the error dialog shows it
                self._window.show_message(str(error), Kind.WARNING)
            elif book is not None:
                self._import(path, book)
        finally:
            if self._queue:
                self.start(self._queue.pop(0))

    def _import(self, path: Path, book: Book) -> None:
        if not book.chapters or book.words == 0:
            self._window.show_message(f"{path.name} has no text to import.", Kind.INFO)
            return
        data_dir = self._controller.data_dir
        answer = self.pick(path.name, book, import_limit(data_dir, DEFAULT_LIMIT))
        if answer is None or not answer[0]:
            return
        picked, limit = answer
        save_import_limit(data_dir, limit)
        try:
            imported = self._controller.chapters.import_book(book, picked, limit=limit, source=path.name)
        except ChapterError as error:  # nothing was added (one transaction)
            self._window.show_message(f"{path.name} was not imported: {error}", Kind.WARNING)
            return
        ids = [i for chapter in imported for i in chapter.segment_ids]
        if ids:
            self._window.select_segment(ids[0])
        chapters = f"{len(imported)} chapter{'s' if len(imported) != 1 else ''}"
        self._widget.statusBar().showMessage(
            f"Added {len(ids)} segments in {chapters} from {path.name}.", 8000
        )

    def _pick(self, name: str, book: Book, limit: int) -> tuple[list[int], int] | None:
        dialog = ChapterPicker(name, book, limit, self._widget)
        if dialog.exec() != ChapterPicker.DialogCode.Accepted:
            return None
        return dialog.picked(), dialog.limit.value()
